using System.Text.RegularExpressions;

namespace Bastio.Gateway.Tests.Infrastructure;

/// <summary>The real gateway binary (the <c>Bastio.Gateway.dll</c> next to the tests) as a child process watching the test cluster.</summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly string _kubeconfig;
    private readonly string _caFile;
    private readonly TaskCompletionSource<(Uri Url, Uri AdminUrl)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ComponentProcess _process = null!;

    private GatewayProcess(string kubeconfig, string caFile)
    {
        _kubeconfig = kubeconfig;
        _caFile = caFile;
    }

    public Uri Url { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    /// <summary>
    /// Starts the gateway on free loopback ports against <paramref name="env"/>'s cluster, trusting and allowing
    /// its stub as the in-process gateways do, and waits until <c>/readyz</c> is 200.
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(GatewayTestEnvironment env, params string[] flags)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-gateway-process-{Guid.NewGuid():N}.yaml");
        await env.Cluster.WriteKubeconfigAsync(kubeconfig);
        var caFile = Path.Combine(Path.GetTempPath(), $"bastio-gateway-process-ca-{Guid.NewGuid():N}.pem");
        env.Stub.CertificateAuthority!.WriteCertificatePem(caFile);
        var gateway = new GatewayProcess(kubeconfig, caFile);
        gateway._process = ComponentProcess.Start(
            Path.Combine(AppContext.BaseDirectory, "Bastio.Gateway.dll"),
            [
                "--kubeconfig", kubeconfig, "--system-namespace", GatewayTestEnvironment.SystemNamespace,
                "--address", "127.0.0.1", "--port", "0", "--admin-port", "0", "--upstream-allow-cidrs", GatewayTestEnvironment.StubAddressCidr, "--upstream-ca-file", caFile, .. flags,
            ],
            gateway.OnLine);
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

    public void Signal(string signal) => _process.Signal(signal);

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        File.Delete(_kubeconfig);
        File.Delete(_caFile);
    }

    [GeneratedRegex(@"gateway listening on (?<url>\S+) \(admin (?<admin>\S+)\)")]
    private static partial Regex ListeningLine();

    private void OnLine(string line)
    {
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult((new Uri(match.Groups["url"].Value), new Uri(match.Groups["admin"].Value)));
        }
    }
}
