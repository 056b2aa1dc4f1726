using System.Text;
using Bastio.Core;
using Bastio.Core.Keys;
using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.ProviderKeys;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

public sealed class ProviderKeyTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string GoodKey = "sk-test-good-0123456789";
    private const string BadKey = "sk-test-revoked-9876543210";

    [Fact]
    public async Task Validated_key_is_copied_encrypted_and_makes_the_proxy_ready_then_follows_source_changes()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await CreateSourceAsync(env, "openai-credentials", GoodKey);
        await CreateProviderKeyAsync(env, "primary", "openai-credentials");

        var validated = await WaitForProviderKeyAsync(env, "primary", p => Conditions.IsTrue(p.Status?.Conditions, "Validated") && p.Status?.Phase == "Active", "is validated");
        var ring = await env.KeyRingAsync();
        validated.Status!.Fingerprint.Should().Be(ProviderKeyFingerprint.Compute(ring, GoodKey));
        validated.Status.LastValidatedAt.Should().NotBeNull();
        validated.Status.Provider.Should().Be("openai");
        await env.WaitForEventAsync("primary", "Validated");

        var copy = await env.Api.Secrets.GetAsync(OperatorTestEnvironment.SystemNamespace, ManagedObjectNames.ProviderKeySecret(Ns, "primary"));
        Encoding.UTF8.GetString(copy.Data![WellKnown.ProviderKeySecret.Fingerprint]).Should().Be(validated.Status.Fingerprint);
        var envelope = Encoding.UTF8.GetString(copy.Data![WellKnown.ProviderKeySecret.ApiKey]);
        envelope.Should().NotContain(GoodKey);
        Encoding.UTF8.GetString(ring.Decrypt(envelope, ProviderKeyReconciler.Binding(validated))).Should().Be(GoodKey);
        await Eventually.UntilAsync(async () => Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.Conditions, "Ready"), "the proxy is Ready");

        // The source Secret changes to a key the provider refuses: the copy follows, validation fails.
        var source = await env.Api.Secrets.GetAsync(Ns, "openai-credentials");
        source.Data!["apiKey"] = Encoding.UTF8.GetBytes(BadKey);
        await env.Api.Secrets.ReplaceAsync(source);

        var refused = await WaitForProviderKeyAsync(env, "primary", p => Conditions.Find(p.Status?.Conditions, "Validated")?.Reason == "InvalidCredentials", "fails validation");
        refused.Status!.Fingerprint.Should().Be(ProviderKeyFingerprint.Compute(ring, BadKey));
        Conditions.Find(refused.Status.Conditions, "Validated")!.Status.Should().Be("False");
        copy = await env.Api.Secrets.GetAsync(OperatorTestEnvironment.SystemNamespace, ManagedObjectNames.ProviderKeySecret(Ns, "primary"));
        Encoding.UTF8.GetString(ring.Decrypt(Encoding.UTF8.GetString(copy.Data![WellKnown.ProviderKeySecret.ApiKey]), ProviderKeyReconciler.Binding(refused))).Should().Be(BadKey);
        await env.WaitForEventAsync("primary", "ValidationFailed");
        await Eventually.UntilAsync(async () => !Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.Conditions, "Ready"), "the proxy is no longer Ready");

        var events = await env.EventsAsync();
        events.Select(e => e.Note).Should().NotContain(m => m != null && (m.Contains(GoodKey) || m.Contains(BadKey)), "the provider's error body echoes the key and must not be passed on");
    }

    [Fact]
    public async Task Unreachable_provider_leaves_validation_unknown()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(2));
        await env.CreateProxyAsync(upstream: "http://127.0.0.1:9/v1");
        await CreateSourceAsync(env, "creds", GoodKey);
        await CreateProviderKeyAsync(env, "primary", "creds");

        var unknown = await WaitForProviderKeyAsync(env, "primary", p => Conditions.Find(p.Status?.Conditions, "Validated")?.Reason == "ProviderUnreachable", "is unreachable");
        Conditions.Find(unknown.Status!.Conditions, "Validated")!.Status.Should().Be("Unknown");
    }

    [Fact]
    public async Task Replacing_key_migrates_traffic_and_retires_the_old_key()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await CreateSourceAsync(env, "old-creds", GoodKey);
        await CreateSourceAsync(env, "new-creds", GoodKey);
        await CreateProviderKeyAsync(env, "old", "old-creds");
        await WaitForProviderKeyAsync(env, "old", p => p.Status?.Phase == "Active", "is Active");

        await CreateProviderKeyAsync(env, "new", "new-creds", s => { s.Replaces = "old"; s.Migration = new MigrationSpec { Duration = "3s" }; });

        var started = await WaitForProviderKeyAsync(env, "new", p => p.Status?.Migration?.StartedAt is not null, "starts migrating");
        await env.WaitForEventAsync("new", "MigrationStarted");
        var old = await env.Api.ProviderKeys.GetAsync(Ns, "old");
        if (old.Status!.Phase != "Retired")
        {
            await WaitForProviderKeyAsync(env, "old", p => p.Status?.Phase == "Migrating", "is Migrating");
        }

        var completed = await WaitForProviderKeyAsync(env, "new", p => p.Status?.Migration?.CompletedAt is not null, "completes the migration");
        completed.Status!.Migration!.CompletedAt.Should().BeOnOrAfter(started.Status!.Migration!.StartedAt!.Value.AddSeconds(3));
        await WaitForProviderKeyAsync(env, "old", p => p.Status?.Phase == "Retired", "is Retired");
        await env.WaitForEventAsync("new", "MigrationCompleted");
    }

    internal static Task<V1Secret> CreateSourceAsync(OperatorTestEnvironment env, string name, string value) =>
        env.Api.Secrets.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Labels = new Dictionary<string, string>() { [WellKnown.Labels.ProviderKeySource] = "true" } },
            Data = new Dictionary<string, byte[]>() { ["apiKey"] = Encoding.UTF8.GetBytes(value) },
        });

    internal static Task<ProviderKey> CreateProviderKeyAsync(OperatorTestEnvironment env, string name, string secret, Action<ProviderKeySpec>? configure = null)
    {
        var providerKey = new ProviderKey
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "ProviderKey",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
            Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, SecretRef = new SecretKeyReference { Name = secret } },
        };
        configure?.Invoke(providerKey.Spec);
        return env.Api.ProviderKeys.CreateAsync(providerKey);
    }

    internal static Task<ProviderKey> WaitForProviderKeyAsync(OperatorTestEnvironment env, string name, Func<ProviderKey, bool> condition, string what) =>
        Eventually.UntilAsync(async () => await env.Api.ProviderKeys.TryGetAsync(Ns, name) is { } p && condition(p) ? p : null, $"ProviderKey {name} {what}");
}
