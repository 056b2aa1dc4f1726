using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bastio.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway binary (the <c>Bastio.Gateway.dll</c> next to the tests) as a child process watching
/// the test cluster: what signals do to a process can only be seen on a process.
/// </summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _kubeconfig;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<(Uri Url, Uri AdminUrl)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayProcess(Process process, string kubeconfig)
    {
        _process = process;
        _kubeconfig = kubeconfig;
    }

    public int Id => _process.Id;

    public Uri Url { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the gateway on free loopback ports against <paramref name="env"/>'s cluster and waits until <c>/readyz</c> is 200.</summary>
    public static async Task<GatewayProcess> StartAsync(GatewayTestEnvironment env, params string[] flags)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-gateway-process-{Guid.NewGuid():N}.yaml");
        await env.Cluster.WriteKubeconfigAsync(kubeconfig);
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            Path.Combine(AppContext.BaseDirectory, "Bastio.Gateway.dll"), "--kubeconfig", kubeconfig,
            "--system-namespace", GatewayTestEnvironment.SystemNamespace, "--address", "127.0.0.1", "--port", "0", "--admin-port", "0",
            "--upstream-allow-cidrs", "127.0.0.0/8", .. flags])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var gateway = new GatewayProcess(process, kubeconfig);
        process.OutputDataReceived += (_, line) => gateway.Append(line.Data);
        process.ErrorDataReceived += (_, line) => gateway.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            (gateway.Url, gateway.AdminUrl) = await gateway._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient();
            await Eventually.UntilAsync(async () => (await http.GetAsync(new Uri(gateway.AdminUrl, "readyz"))).IsSuccessStatusCode, "the gateway process is ready");
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    public void Signal(string signal) =>
        Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!.WaitForExit();

    /// <summary>The exit code, or a failure with everything the process printed when it runs past <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The gateway process still runs after {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        File.Delete(_kubeconfig);
    }

    [GeneratedRegex(@"gateway listening on (?<url>\S+) \(admin (?<admin>\S+)\)")]
    private static partial Regex ListeningLine();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult((new Uri(match.Groups["url"].Value), new Uri(match.Groups["admin"].Value)));
        }
    }
}
