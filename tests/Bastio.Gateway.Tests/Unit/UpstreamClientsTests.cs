using Bastio.Core.Keys;
using Bastio.Core.Networking;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Networking;

namespace Bastio.Gateway.Tests.Unit;

public sealed class UpstreamClientsTests
{
    private static ProxyEntry Proxy(string name, string upstream) => new()
    {
        Namespace = "team-a",
        Name = name,
        Provider = ProviderKind.OpenAI,
        Upstream = upstream,
        Environment = KeyEnvironment.Live,
    };

    [Fact]
    public void Proxies_on_one_origin_share_a_client_and_other_origins_get_their_own()
    {
        using var clients = new UpstreamClients(new UpstreamConnector(UpstreamAddressPolicy.PublicOnly), UpstreamTrust.SystemStore);
        var snapshot = new GatewaySnapshot([], [Proxy("a", "https://api.openai.com/v1"), Proxy("b", "https://API.openai.com/v2"), Proxy("c", "http://127.0.0.1:9/v1")]);

        var a = clients.Get(snapshot, "https://api.openai.com/v1");

        clients.Get(snapshot, "https://api.openai.com/v1").Should().BeSameAs(a);
        clients.Get(snapshot, "https://API.openai.com/v2").Should().BeSameAs(a, "the origin decides, not the path or the host's case");
        clients.Get(snapshot, "http://127.0.0.1:9/v1").Should().NotBeSameAs(a);
        clients.OriginCount.Should().Be(2);
    }

    [Fact]
    public void An_origin_no_proxy_uses_any_more_is_forgotten_with_the_next_snapshot()
    {
        using var clients = new UpstreamClients(new UpstreamConnector(UpstreamAddressPolicy.PublicOnly), UpstreamTrust.SystemStore);
        var before = new GatewaySnapshot([], [Proxy("kept", "https://api.openai.com/v1"), Proxy("deleted", "http://127.0.0.1:9/v1")]);
        var kept = clients.Get(before, "https://api.openai.com/v1");
        var deleted = clients.Get(before, "http://127.0.0.1:9/v1");

        var after = new GatewaySnapshot([], [Proxy("kept", "https://api.openai.com/v1")]);

        clients.Get(after, "https://api.openai.com/v1").Should().BeSameAs(kept, "a configuration change keeps the pools of origins still in use");
        clients.OriginCount.Should().Be(1, "the deleted Proxy's pool is no longer held");
        clients.Get(after, "http://127.0.0.1:9/v1").Should().NotBeSameAs(deleted, "a request still racing on the old snapshot gets a fresh client");
    }
}
