using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Bastio.Gateway.Tests.Infrastructure;

/// <summary>The gateway executable as its own process against the test cluster: what a replica is.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private GatewayProcess(Process process, int port, int adminPort)
    {
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port}/");
        AdminUrl = new Uri($"http://127.0.0.1:{adminPort}/");
    }

    public Uri Url { get; }

    public Uri AdminUrl { get; }

    /// <summary>Everything the process wrote, for assertions that nothing secret was logged.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<GatewayProcess> StartAsync(string kubeconfig, params string[] extraArguments)
    {
        var port = RedisServer.FreePort();
        var adminPort = RedisServer.FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Bastio.Gateway.dll"), "--kubeconfig", kubeconfig, "--system-namespace", GatewayTestEnvironment.SystemNamespace,
            "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--admin-port", adminPort.ToString(CultureInfo.InvariantCulture),
            "--upstream-allow-cidrs", "127.0.0.0/8",
        }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The gateway did not start.");
        var gateway = new GatewayProcess(process, port, adminPort);
        process.OutputDataReceived += (_, line) => gateway.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => gateway.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {process.ExitCode}:\n{gateway.Output}");
            }

            return (await http.GetAsync(new Uri(gateway.AdminUrl, "readyz"))).IsSuccessStatusCode;
        }, "the gateway process is ready", TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(100));
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null && _output.Count < 5000)
        {
            _output.Enqueue(line);
        }
    }
}
