using System.Globalization;
using Bastio.Benchmarks.Infrastructure;

namespace Bastio.Benchmarks.EndToEnd;

/// <summary>What one <c>wrk</c> run measured.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long SocketErrors, long Non2xx, int Connections, int DelayMilliseconds);

/// <summary>Drives <c>wrk</c> with <c>scripts/request.lua</c> and parses the line its <c>done</c> hook prints.</summary>
internal sealed class Wrk(string program, string script)
{
    public async Task<WrkResult> RunAsync(Uri url, string clientKey, TimeSpan duration, int connections, int delayMilliseconds = 0)
    {
        var threads = Math.Min(Environment.ProcessorCount, connections);
        var output = await ExternalProcess.RunAsync(
            program,
            ["-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
             "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "5s", "-s", script, new Uri(url, "v1/chat/completions").ToString()],
            duration + TimeSpan.FromSeconds(30),
            new Dictionary<string, string> { ["BENCH_KEY"] = clientKey, ["BENCH_DELAY_MS"] = delayMilliseconds.ToString(CultureInfo.InvariantCulture) }).ConfigureAwait(false);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("wrk printed no summary line: " + output.Trim());
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var seconds = fields[1] / 1e6;
        return new WrkResult(fields[0] / seconds, fields[4] / 1000.0, fields[5] / 1000.0, fields[2], fields[3], connections, delayMilliseconds);
    }
}
