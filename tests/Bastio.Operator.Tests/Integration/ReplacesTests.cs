using Bastio.Crds;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// <c>spec.replaces</c> may retire only a ProviderKey of the same Proxy; a reference to another Proxy's
/// key and a cycle are refused with <c>InvalidReplaces</c> and change nothing.
/// </summary>
public sealed class ReplacesTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string GoodKey = "sk-test-good-0123456789";

    [Fact]
    public async Task A_key_of_another_Proxy_is_not_replaced_and_that_Proxy_stays_up()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await env.CreateProxyAsync(name: "victim", upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "victim-creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "victim-key", "victim-creds", s => s.ProxyRef.Name = "victim");
        await WaitForPhaseAsync(env, "victim-key", "Active");
        await WaitForProxyReadyAsync(env, "victim");

        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "hostile", "creds", s => { s.Replaces = "victim-key"; s.Migration = new MigrationSpec { Duration = "0s" }; });

        var refused = await WaitForInvalidReplacesAsync(env, "hostile");
        Conditions.Find(refused.Status!.Conditions, "Ready")!.Message.Should().Contain("victim-key").And.Contain("victim");
        refused.Status.Migration.Should().BeNull("no traffic moves");
        await env.WaitForEventAsync("hostile", "InvalidReplaces");
        await OperationsTests.WaitForQuietAsync(env);

        (await env.Api.ProviderKeys.GetAsync(Ns, "victim-key")).Status!.Phase.Should().Be("Active", "another Proxy's key is never retired");
        Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, "victim")).Status?.Conditions, "Ready").Should().BeTrue();
    }

    [Fact]
    public async Task Two_keys_replacing_each_other_are_refused_and_neither_is_retired()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await CreateCycleAsync(env, "a", "b");

        foreach (var name in new[] { "a", "b" })
        {
            var refused = await WaitForInvalidReplacesAsync(env, name);
            Conditions.Find(refused.Status!.Conditions, "Ready")!.Message.Should().Contain("cycle");
        }

        await OperationsTests.WaitForQuietAsync(env);
        foreach (var name in new[] { "a", "b" })
        {
            var key = await env.Api.ProviderKeys.GetAsync(Ns, name);
            key.Status!.Phase.Should().Be("Invalid").And.NotBe("Retired");
            key.Status.Migration.Should().BeNull();
        }

        Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.Conditions, "Ready").Should().BeTrue("the Proxy's other key still serves");
    }

    [Fact]
    public async Task A_longer_cycle_is_refused_for_every_member()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await CreateCycleAsync(env, "a", "b", "c");

        foreach (var name in new[] { "a", "b", "c" })
        {
            var refused = await WaitForInvalidReplacesAsync(env, name);
            Conditions.Find(refused.Status!.Conditions, "Ready")!.Message.Should().Contain("cycle");
        }

        Conditions.Find((await env.Api.ProviderKeys.GetAsync(Ns, "a")).Status!.Conditions, "Ready")!.Message.Should().Contain("a → b → c → a");

        await OperationsTests.WaitForQuietAsync(env);
        (await env.Api.ProviderKeys.ListAllAsync(Ns)).Items.Should().NotContain(p => p.Status!.Phase == "Retired");
        Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.Conditions, "Ready").Should().BeTrue();
    }

    /// <summary>
    /// A plain key that keeps the Proxy up, then keys each replacing the next and the last the first.
    /// All exist before any source does, so no migration can start before the cycle is complete.
    /// </summary>
    private static async Task CreateCycleAsync(OperatorTestEnvironment env, params string[] names)
    {
        await ProviderKeyTests.CreateSourceAsync(env, "plain-creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "plain", "plain-creds");
        await WaitForPhaseAsync(env, "plain", "Active");
        await WaitForProxyReadyAsync(env, "openai");
        for (var i = 0; i < names.Length; i++)
        {
            var replaced = names[(i + 1) % names.Length];
            await ProviderKeyTests.CreateProviderKeyAsync(env, names[i], names[i] + "-creds", s => { s.Replaces = replaced; s.Migration = new MigrationSpec { Duration = "0s" }; });
        }

        foreach (var name in names)
        {
            await ProviderKeyTests.CreateSourceAsync(env, name + "-creds", GoodKey);
        }
    }

    private static Task<ProviderKey> WaitForInvalidReplacesAsync(OperatorTestEnvironment env, string name) =>
        ProviderKeyTests.WaitForProviderKeyAsync(env, name, p => Conditions.Find(p.Status?.Conditions, "Ready") is { Status: "False", Reason: "InvalidReplaces" }, "reports InvalidReplaces");

    private static Task<ProviderKey> WaitForPhaseAsync(OperatorTestEnvironment env, string name, string phase) =>
        ProviderKeyTests.WaitForProviderKeyAsync(env, name, p => p.Status?.Phase == phase && Conditions.IsTrue(p.Status.Conditions, "Ready"), $"is {phase}");

    private static Task WaitForProxyReadyAsync(OperatorTestEnvironment env, string name) =>
        Eventually.UntilAsync(async () => Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, name)).Status?.Conditions, "Ready"), $"Proxy {name} is Ready");
}
