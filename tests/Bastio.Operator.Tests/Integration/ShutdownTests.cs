using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bastio.Kubernetes.Api;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>SIGTERM and SIGINT sent to the real operator process while it leads and a reconcile is in flight.</summary>
public sealed class ShutdownTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_stops_reconciling_releases_the_lease_and_exits_0_in_time(string signal)
    {
        await using var env = await OperatorTestEnvironment.StartAsync(startOperator: false);

        // A provider that accepts and never answers: the validation of the key stays in flight.
        using var silentProvider = new TcpListener(IPAddress.Loopback, 0);
        silentProvider.Start();
        await env.CreateProxyAsync("openai", $"http://127.0.0.1:{((IPEndPoint)silentProvider.LocalEndpoint).Port}/v1");
        await ProviderKeyTests.CreateSourceAsync(env, "creds", "sk-provider-0123456789abcdef");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-operator-process-{Guid.NewGuid():N}.yaml");
        await env.Cluster.WriteKubeconfigAsync(kubeconfig);
        await using var process = ComponentProcess.Start(Path.Combine(AppContext.BaseDirectory, "Bastio.Operator.dll"),
        [
            "--kubeconfig", kubeconfig, "--system-namespace", OperatorTestEnvironment.SystemNamespace, "--admin-address", "127.0.0.1", "--admin-port", "0",
            "--leader-elect", "--upstream-allow-cidrs", "127.0.0.0/8", "--validation-timeout", "5m",
        ]);
        using var validation = await silentProvider.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var leases = env.Client.Leases();
        (await leases.GetAsync(OperatorTestEnvironment.SystemNamespace, "bastio-operator")).Spec.HolderIdentity.Should().NotBeNullOrEmpty("the operator leads");

        var signalled = Stopwatch.StartNew();
        process.Signal(signal);

        (await process.WaitForExitAsync(TimeSpan.FromSeconds(25))).Should().Be(0, "output:\n{0}", process.Output);
        signalled.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the operator is gone well within the pod's 30 s grace period");
        (await leases.GetAsync(OperatorTestEnvironment.SystemNamespace, "bastio-operator")).Spec.HolderIdentity.Should().BeNullOrEmpty("the Lease is released so a standby takes over at once");
        File.Delete(kubeconfig);
    }
}
