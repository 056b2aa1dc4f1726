using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bastio.Benchmarks.Infrastructure;

/// <summary>Helpers for the external programs the benchmarks drive (wrk, nginx, the gateway executable).</summary>
internal static class ExternalProcess
{
    /// <summary>The full path of <paramref name="program"/> on PATH (or in /usr/sbin, where Debian puts nginx), or null.</summary>
    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The path of <paramref name="program"/>, or an exception saying how to install it.</summary>
    public static string Require(string program, string debianPackage) =>
        Find(program) ?? throw new InvalidOperationException(
            $"'{program}' is not installed and `make bench` could not install it; install the Debian package '{debianPackage}' (apt-get install {debianPackage}).");

    /// <summary>Runs to completion and returns standard output; a non-zero exit is an exception carrying standard error.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds:0}s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
        }

        return await output.ConfigureAwait(false);
    }

    /// <summary>A loopback port free right now, for programs that cannot report the port they bound.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="url"/> until it answers 200 or the deadline passes.</summary>
    public static async Task WaitUntilOkAsync(HttpClient http, Uri url, TimeSpan timeout, Func<bool>? hasExited = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(url).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (hasExited?.Invoke() == true)
            {
                throw new InvalidOperationException($"The process serving {url} exited before answering 200.");
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{url} did not answer 200 within {timeout.TotalSeconds:0}s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
        }
    }
}
