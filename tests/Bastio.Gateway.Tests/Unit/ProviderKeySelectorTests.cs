using Bastio.Core.Keys;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Pipeline;

namespace Bastio.Gateway.Tests.Unit;

public sealed class ProviderKeySelectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ProxyEntry Proxy(params ProviderKeyEntry[] keys) => new()
    {
        Namespace = "ns",
        Name = "p",
        Provider = ProviderKind.OpenAI,
        Upstream = "http://upstream/v1",
        Environment = KeyEnvironment.Live,
        ProviderKeys = keys,
    };

    private static double Share(ProxyEntry proxy, string name, DateTimeOffset now)
    {
        const int samples = 10_000;
        var hits = 0;
        for (var i = 0; i < samples; i++)
        {
            if (ProviderKeySelector.Select(proxy, now, (i + 0.5) / samples)!.Name == name)
            {
                hits++;
            }
        }

        return (double)hits / samples;
    }

    [Fact]
    public void Traffic_splits_by_weight()
    {
        var proxy = Proxy(new ProviderKeyEntry("a", "ka", 75, null), new ProviderKeyEntry("b", "kb", 25, null));

        Share(proxy, "a", Start).Should().BeApproximately(0.75, 0.001);
    }

    [Fact]
    public void A_migration_moves_traffic_linearly_from_the_old_key_to_the_new_one()
    {
        var proxy = Proxy(
            new ProviderKeyEntry("old", "k1", 100, null),
            new ProviderKeyEntry("new", "k2", 100, new ProviderKeyMigration("old", Start, TimeSpan.FromMinutes(10))));

        Share(proxy, "new", Start).Should().BeApproximately(0, 0.001);
        Share(proxy, "new", Start.AddMinutes(2.5)).Should().BeApproximately(0.25, 0.001, "a quarter of the way the weights are 75 (old) and 25 (new)");
        Share(proxy, "new", Start.AddMinutes(5)).Should().BeApproximately(0.5, 0.001);
        Share(proxy, "new", Start.AddMinutes(20)).Should().BeApproximately(1, 0.001);
    }

    [Fact]
    public void No_usable_key_selects_nothing() => ProviderKeySelector.Select(Proxy(), Start, 0.5).Should().BeNull();
}
