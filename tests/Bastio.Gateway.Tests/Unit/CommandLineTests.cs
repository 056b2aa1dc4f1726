using Bastio.Gateway.Hosting;

namespace Bastio.Gateway.Tests.Unit;

public sealed class CommandLineTests
{
    private static readonly System.CommandLine.RootCommand Root = GatewayCommandLine.Create((_, _) => Task.FromResult(0));

    [Fact]
    public void Every_flag_left_out_takes_its_documented_default()
    {
        var result = Root.Parse([]);

        result.Errors.Should().BeEmpty();
        var options = GatewayCommandLine.Bind(result);
        options.MaxStaleness.Should().Be(TimeSpan.FromMinutes(5));
        options.Address.Should().Be("0.0.0.0");
        options.SystemNamespace.Should().Be("bastio-system");
        options.ShutdownDelay.Should().Be(TimeSpan.FromSeconds(5));
        options.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(25));
        options.MaxConnections.Should().Be(10_000);
        options.KeepAliveTimeout.Should().Be(TimeSpan.FromSeconds(130));
        options.UpstreamAddresses.Should().BeSameAs(Bastio.Core.Networking.UpstreamAddressPolicy.PublicOnly);
        options.UpstreamTrust.Should().BeSameAs(Bastio.Core.Networking.UpstreamTrust.SystemStore);
    }

    [Fact]
    public void Shutdown_and_listener_flags_are_bound()
    {
        var options = GatewayCommandLine.Bind(Root.Parse(["--shutdown-delay", "0s", "--shutdown-timeout", "2m", "--max-connections", "0", "--keep-alive-timeout", "15s"]));

        options.ShutdownDelay.Should().Be(TimeSpan.Zero);
        options.ShutdownTimeout.Should().Be(TimeSpan.FromMinutes(2));
        options.MaxConnections.Should().Be(0);
        options.KeepAliveTimeout.Should().Be(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Upstream_flags_bind_to_the_address_policy_and_the_trusted_bundle()
    {
        using var authority = Bastio.StubUpstream.TestCertificateAuthority.Create();
        var caFile = Path.Combine(Path.GetTempPath(), $"bastio-cli-ca-{Guid.NewGuid():N}.pem");
        authority.WriteCertificatePem(caFile);

        var result = Root.Parse(["--upstream-allow-cidrs", "10.0.0.0/8, fd00::/8,127.0.0.1", "--upstream-ca-file", caFile]);
        var options = GatewayCommandLine.Bind(result);
        File.Delete(caFile);

        result.Errors.Should().BeEmpty();
        options.UpstreamAddresses.Allowed.Select(network => network.ToString()).Should().Equal("10.0.0.0/8", "fd00::/8", "127.0.0.1/32");
        options.UpstreamTrust.ExtraRootCount.Should().Be(1);
    }

    [Theory]
    [InlineData("--max-staleness", "90d", "--max-staleness")]
    [InlineData("--max-staleness", "0s", "--max-staleness")]
    [InlineData("--address", "localhost:80", "--address")]
    [InlineData("--port", "70000", "--port")]
    [InlineData("--trusted-proxies", "10.0.0.0/40", "--trusted-proxies")]
    [InlineData("--shutdown-delay", "-1s", "--shutdown-delay")]
    [InlineData("--shutdown-delay", "30s", "shorter than --shutdown-timeout")]
    [InlineData("--shutdown-timeout", "0s", "--shutdown-timeout")]
    [InlineData("--shutdown-timeout", "5s", "shorter than --shutdown-timeout")]
    [InlineData("--max-connections", "-1", "--max-connections")]
    [InlineData("--keep-alive-timeout", "0s", "--keep-alive-timeout")]
    [InlineData("--upstream-allow-cidrs", "10.0.0.0/8,metadata.internal", "--upstream-allow-cidrs")]
    [InlineData("--upstream-ca-file", "/nonexistent/ca.pem", "--upstream-ca-file")]
    [InlineData("--store-timeout", "0s", "--store-timeout")]
    [InlineData("--store-failure", "allow", "--store-failure")]
    [InlineData("--redis", ",ssl=true", "--redis")]
    public void A_bad_value_is_refused_naming_the_flag(string flag, string value, string named)
    {
        var result = Root.Parse([flag, value]);

        result.Errors.Should().ContainSingle().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void Store_flags_bind_to_the_shared_store_settings()
    {
        var result = Root.Parse(["--redis", "redis.cache:6380,ssl=true", "--store-timeout", "250ms", "--store-failure", "deny"]);

        result.Errors.Should().BeEmpty();
        var options = GatewayCommandLine.Bind(result);
        options.Redis.Should().Be("redis.cache:6380,ssl=true");
        options.StoreTimeout.Should().Be(TimeSpan.FromMilliseconds(250));
        options.StoreFailure.Should().Be(Bastio.Gateway.Limits.StoreFailureMode.Deny);
        GatewayCommandLine.Bind(Root.Parse([])).StoreFailure.Should().Be(Bastio.Gateway.Limits.StoreFailureMode.Local);
    }
}
