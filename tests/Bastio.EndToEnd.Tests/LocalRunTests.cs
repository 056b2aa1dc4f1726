using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bastio.EndToEnd.Tests.Infrastructure;

namespace Bastio.EndToEnd.Tests;

/// <summary>
/// <c>make run</c> itself: the real orchestrator started as a child process, stopped with Ctrl-C
/// (SIGINT) or killed, started again; the kernel's process table is the judge of "nothing left behind".
/// </summary>
public sealed class LocalRunTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("bastio-localrun-").FullName;

    [Fact]
    public async Task Ctrl_C_stops_every_process_and_a_second_run_on_the_same_ports_works()
    {
        var ports = LocalRunPorts.Free();
        for (var run = 1; run <= 2; run++)
        {
            await using var localRun = LocalRunProcess.Start(ports, _stateDirectory);
            var banner = await localRun.WaitUntilReadyAsync(StartTimeout);
            var children = localRun.ChildPids();
            children.Should().HaveCount(4, "the cluster, stub upstream, operator and gateway run as separate processes (run {0})", run);
            (await Gateway.ListModelsAsync(banner.GatewayUrl, banner.ApiKey)).Status.Should().Be(HttpStatusCode.OK);
            File.Exists(banner.Kubeconfig).Should().BeTrue();
            await ChatThroughTheGatewayAsync(banner);
            (await StubLogLineAsync($"POST /chat/completions host=localhost:{ports.Stub} sni=localhost")).Should().NotBeNull(
                "the gateway reaches the stub over HTTPS by name, as it would a provider, and sends the stub's host, not its own (run {0})", run);

            var interrupted = Stopwatch.StartNew();
            localRun.Signal("INT");

            (await localRun.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
            children.Where(ProcessTable.IsAlive).Should().BeEmpty("Ctrl-C must leave no process behind (run {0})", run);
            interrupted.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "Ctrl-C stops everything within 10 s (run {0}); output:\n{1}", run, localRun.Output);
            localRun.Output.Should().NotContain("was killed", "every component stops on its own after SIGTERM (run {0})", run);
            localRun.Output.Should().Contain("Stopped.");
            File.Exists(banner.Kubeconfig).Should().BeFalse("the kubeconfig of a stopped cluster is removed");
        }
    }

    [Fact]
    public async Task Every_component_listens_on_loopback_only()
    {
        var ports = LocalRunPorts.Free();
        await using var localRun = LocalRunProcess.Start(ports, _stateDirectory);
        await localRun.WaitUntilReadyAsync(StartTimeout);
        var children = localRun.ChildPids();
        children.Should().HaveCount(4);

        // The kernel's socket tables, not the command lines: whatever a component chose, this is what it bound.
        var listeners = children.SelectMany(ProcessTable.ListeningEndpoints).ToList();
        listeners.Select(endpoint => endpoint.Port).Should().Contain(
            [ports.Cluster, ports.Stub, ports.Gateway, ports.GatewayAdmin, ports.OperatorAdmin], "every component's ports are found in the socket tables");
        listeners.Should().OnlyContain(
            endpoint => IPAddress.IsLoopback(endpoint.Address) || (endpoint.Address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(endpoint.Address.MapToIPv4())),
            "make run must not be reachable from the network; listening on: {0}", string.Join(", ", listeners));
    }

    [Fact]
    public async Task Children_do_not_outlive_a_killed_orchestrator()
    {
        await using var localRun = LocalRunProcess.Start(LocalRunPorts.Free(), _stateDirectory);
        await localRun.WaitUntilReadyAsync(StartTimeout);
        var children = localRun.ChildPids();
        children.Should().NotBeEmpty();

        localRun.Signal("KILL");
        await localRun.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (children.Any(ProcessTable.IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        children.Where(ProcessTable.IsAlive).Should().BeEmpty("children die with the orchestrator even when it cannot clean up");
    }

    [Fact]
    public async Task A_port_in_use_is_named_with_the_variable_to_change_and_nothing_starts()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var ports = LocalRunPorts.Free() with { Gateway = taken };

        await using var localRun = LocalRunProcess.Start(ports, _stateDirectory);
        var exitCode = await localRun.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exitCode.Should().Be(2);
        localRun.Output.Should().Contain($"port {taken} (gateway) is already in use").And.Contain("BASTIO_GATEWAY_PORT=");
        Directory.Exists(Path.Combine(_stateDirectory, "logs")).Should().BeFalse("nothing was started");
    }

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    private static async Task ChatThroughTheGatewayAsync(PrintedBanner banner)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, banner.GatewayUrl.ToString().TrimEnd('/') + "/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", banner.ApiKey);
        using var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The stub prints one line per request to its log (relayed by make run); null if <paramref name="line"/> does not show up in time.</summary>
    private async Task<string?> StubLogLineAsync(string line)
    {
        var log = Path.Combine(_stateDirectory, "logs", "stub.log");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (File.Exists(log))
            {
                // make run keeps the file open for writing.
                await using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if ((await new StreamReader(stream).ReadToEndAsync()).Contains(line, StringComparison.Ordinal))
                {
                    return line;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(100);
        }
    }
}
