using Bastio.Core.Keys;
using Bastio.Crds.Vocabulary;

namespace Bastio.Crds.Tests.Validation;

public sealed class ProxyEnvironmentsTests
{
    [Theory]
    [InlineData(null, KeyEnvironment.Live)]
    [InlineData("", KeyEnvironment.Live)]
    [InlineData(ProxyEnvironments.Production, KeyEnvironment.Live)]
    [InlineData(ProxyEnvironments.Staging, KeyEnvironment.Test)]
    [InlineData(ProxyEnvironments.Development, KeyEnvironment.Dev)]
    public void Proxy_environment_maps_to_key_segment(string? proxyEnvironment, KeyEnvironment expected)
    {
        ProxyEnvironments.TryParse(proxyEnvironment, out var environment).Should().BeTrue();
        environment.Should().Be(expected);
    }

    [Fact]
    public void Unknown_proxy_environment_is_refused() =>
        ProxyEnvironments.TryParse("Production", out _).Should().BeFalse();
}
