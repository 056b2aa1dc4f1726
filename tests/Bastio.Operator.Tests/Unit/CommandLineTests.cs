using Bastio.Operator.Configuration;

namespace Bastio.Operator.Tests.Unit;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Flags_bind_to_options()
    {
        OperatorOptions? bound = null;
        var command = OperatorCommandLine.Create((options, _) => { bound = options; return Task.FromResult(0); }, (_, _) => Task.FromResult(0));

        var exit = await command.Parse([
            "--kubeconfig", "/tmp/kc", "--context", "ctx", "--system-namespace", "sys", "--admin-port", "0",
            "--leader-elect", "--watch-namespaces", "a, b,,c", "--rotator-image", "img:1", "--rotator-service-account", "sa",
            "--gateway-url", "https://gw.example.com", "--validation-timeout", "3s", "--sweep-interval", "1m30s",
            "--kube-api-qps", "200", "--kube-api-burst", "400", "--delivery-ack-timeout", "45s",
        ]).InvokeAsync();

        exit.Should().Be(0);
        bound.Should().NotBeNull();
        bound!.Kubeconfig.Should().Be("/tmp/kc");
        bound.Context.Should().Be("ctx");
        bound.SystemNamespace.Should().Be("sys");
        bound.AdminPort.Should().Be(0);
        bound.LeaderElect.Should().BeTrue();
        bound.WatchNamespaces.Should().Equal("a", "b", "c");
        bound.RotatorImage.Should().Be("img:1");
        bound.RotatorServiceAccount.Should().Be("sa");
        bound.GatewayUrl.Should().Be(new Uri("https://gw.example.com"));
        bound.ValidationTimeout.Should().Be(TimeSpan.FromSeconds(3));
        bound.SweepInterval.Should().Be(TimeSpan.FromSeconds(90));
        bound.KubeApiQps.Should().Be(200);
        bound.KubeApiBurst.Should().Be(400);
        bound.DeliveryAcknowledgementTimeout.Should().Be(TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Defaults_match_the_design()
    {
        OperatorOptions? bound = null;
        var command = OperatorCommandLine.Create((options, _) => { bound = options; return Task.FromResult(0); }, (_, _) => Task.FromResult(0));
        (await command.Parse([]).InvokeAsync()).Should().Be(0);
        bound!.SystemNamespace.Should().Be("bastio-system");
        bound.AdminPort.Should().Be(18091);
        bound.LeaderElect.Should().BeFalse();
        bound.WatchNamespaces.Should().BeEmpty();
        bound.KubeApiQps.Should().Be(50);
        bound.KubeApiBurst.Should().Be(100);
        bound.DeliveryAcknowledgementTimeout.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("--validation-timeout", "soon")]
    [InlineData("--sweep-interval", "90d")]
    [InlineData("--delivery-ack-timeout", "0s")]
    [InlineData("--gateway-url", "not a url")]
    [InlineData("--admin-port", "70000")]
    [InlineData("--kube-api-qps", "0")]
    [InlineData("--kube-api-burst", "0")]
    public void Bad_values_are_refused_with_a_message_naming_the_flag(string flag, string value)
    {
        var command = OperatorCommandLine.Create((_, _) => Task.FromResult(0), (_, _) => Task.FromResult(0));
        var result = command.Parse([flag, value]);
        result.Errors.Should().ContainSingle().Which.Message.Should().Contain(flag);
    }

    [Fact]
    public async Task Rotate_subcommand_binds_namespace_name_and_wait()
    {
        RotateOptions? bound = null;
        var command = OperatorCommandLine.Create((_, _) => Task.FromResult(0), (options, _) => { bound = options; return Task.FromResult(7); });
        (await command.Parse(["rotate", "--namespace", "team-a", "--name", "app", "--wait", "5m"]).InvokeAsync()).Should().Be(7);
        bound.Should().Be(new RotateOptions(null, null, "team-a", "app", TimeSpan.FromMinutes(5)));
    }
}
