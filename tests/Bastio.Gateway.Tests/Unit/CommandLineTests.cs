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
    }

    [Theory]
    [InlineData("--max-staleness", "90d", "--max-staleness")]
    [InlineData("--max-staleness", "0s", "--max-staleness")]
    [InlineData("--address", "localhost:80", "--address")]
    [InlineData("--port", "70000", "--port")]
    [InlineData("--trusted-proxies", "10.0.0.0/40", "--trusted-proxies")]
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
