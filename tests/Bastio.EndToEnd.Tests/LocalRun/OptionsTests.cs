using System.Net;
using System.Net.Sockets;
using Bastio.LocalRun.Configuration;

namespace Bastio.EndToEnd.Tests.LocalRun;

public sealed class OptionsTests
{
    [Fact]
    public void Ports_default_to_the_documented_ones()
    {
        var options = LocalRunOptions.FromEnvironment("/repo", "Release", null, _ => null);

        options.Ports.Select(port => (port.Variable, port.Port)).Should().BeEquivalentTo(new[]
        {
            ("BASTIO_CLUSTER_PORT", 16443), ("BASTIO_GATEWAY_PORT", 18080), ("BASTIO_GATEWAY_ADMIN_PORT", 18090),
            ("BASTIO_OPERATOR_ADMIN_PORT", 18091), ("BASTIO_STUB_PORT", 18081),
        });
        options.KubeconfigPath.Should().Be("/repo/.bastio/kubeconfig");
        options.GatewayUrl.Should().Be(new Uri("http://127.0.0.1:18080/v1"));
    }

    [Fact]
    public void Variables_override_ports_and_bad_values_are_named()
    {
        var options = LocalRunOptions.FromEnvironment("/repo", "Release", "/tmp/state", name => name == "BASTIO_GATEWAY_PORT" ? "28080" : null);
        options.GatewayPort.Port.Should().Be(28080);
        options.KubeconfigPath.Should().Be("/tmp/state/kubeconfig");

        var act = () => LocalRunOptions.FromEnvironment("/repo", "Release", null, name => name == "BASTIO_STUB_PORT" ? "http" : null);
        act.Should().Throw<ArgumentException>().WithMessage("BASTIO_STUB_PORT=http is not a port number*");
    }

    [Fact]
    public void A_taken_port_and_a_port_given_twice_are_both_reported()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var problems = PortCheck.FindConflicts(
        [
            new("gateway", "BASTIO_GATEWAY_PORT", taken),
            new("stub upstream", "BASTIO_STUB_PORT", 1),
            new("gateway admin", "BASTIO_GATEWAY_ADMIN_PORT", 1),
        ]);

        problems.Should().Contain(problem => problem.Contains($"port {taken} (gateway) is already in use") && problem.Contains($"BASTIO_GATEWAY_PORT={taken + 100} make run"));
        problems.Should().Contain(problem => problem.Contains("BASTIO_GATEWAY_ADMIN_PORT and BASTIO_STUB_PORT are both 1"));
    }
}
