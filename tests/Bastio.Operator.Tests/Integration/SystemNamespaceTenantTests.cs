using System.Text;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// The operator caches tenant Secrets outside the system namespace and the system namespace's Secrets
/// separately (managed ones, and the rest only when tenants may live there), so that no Secret is cached
/// twice. Keys declared in the system namespace itself must still work.
/// </summary>
public sealed class SystemNamespaceTenantTests
{
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;
    private const string GoodKey = "sk-test-good-0123456789";
    private const string NewKey = "sk-test-other-0123456789";

    [Fact]
    public async Task No_Secret_is_cached_twice()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        var apiKey = await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");

        var caches = env.Operator.Caches;
        await Eventually.UntilAsync(() => caches.SystemSecrets.Store.List().Any(s => s.Metadata.Labels?.GetValueOrDefault("bastio.io/source-name") == "app"), "the verifier is cached");
        await Eventually.UntilAsync(() => caches.TenantSecrets.Store.List().Any(s => s.Metadata.NamespaceProperty == apiKey.Metadata.NamespaceProperty), "the delivery Secret is cached as a tenant Secret");
        caches.TenantSecrets.Store.List().Should().NotContain(s => s.Metadata.NamespaceProperty == SystemNs, "the system namespace's Secrets belong to the system caches");
        caches.SystemUnmanagedSecrets!.Store.List().Should().NotContain(s => s.Metadata.Labels != null && s.Metadata.Labels.ContainsKey("app.kubernetes.io/managed-by") && s.Metadata.Labels["app.kubernetes.io/managed-by"] == "bastio-operator");
    }

    [Fact]
    public async Task Tenant_Secrets_that_are_not_ours_are_cached_without_their_data_and_sources_are_read_live()
    {
        const string ns = OperatorTestEnvironment.Namespace;
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.Api.Secrets.CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "helm-release", NamespaceProperty = ns }, Data = new Dictionary<string, byte[]>() { ["release"] = new byte[4096] } });
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        await env.CreateApiKeyAsync("app");

        var apiKey = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        await Eventually.UntilAsync(async () => await env.Api.ProviderKeys.TryGetAsync(ns, "primary") is { } p && Conditions.IsTrue(p.Status?.Conditions, "Validated"), "the ProviderKey is validated from its source read live");
        var caches = env.Operator.Caches;
        await Eventually.UntilAsync(() => caches.TenantSecrets.Store.Get(ns, apiKey.Status!.SecretName!) is not null, "the delivery Secret is cached");

        caches.TenantSecrets.Store.Get(ns, "helm-release")!.Data.Should().BeNull("an unrelated Secret is cached as metadata only");
        caches.TenantSecrets.Store.Get(ns, "creds")!.Data.Should().BeNull("a ProviderKey source is read live, not cached");
        caches.TenantSecrets.Store.Get(ns, apiKey.Status!.SecretName!)!.Data.Should().ContainKey("apiKey", "a delivery Secret keeps its data for drift detection");
    }

    [Fact]
    public async Task Keys_declared_in_the_system_namespace_work_like_any_other()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.Api.Proxies.CreateAsync(new Proxy
        {
            Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = SystemNs },
            Spec = new ProxySpec { Provider = "openai", Upstream = provider.Upstream.ToString() },
        });
        await env.Api.Secrets.CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "creds", NamespaceProperty = SystemNs, Labels = new Dictionary<string, string>() { [WellKnown.Labels.ProviderKeySource] = "true" } }, Data = new Dictionary<string, byte[]> { ["apiKey"] = Encoding.UTF8.GetBytes(GoodKey) } });
        await env.Api.ProviderKeys.CreateAsync(new ProviderKey
        {
            Metadata = new V1ObjectMeta { Name = "primary", NamespaceProperty = SystemNs },
            Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, SecretRef = new SecretKeyReference { Name = "creds" } },
        });
        await env.Api.ApiKeys.CreateAsync(new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "ops", NamespaceProperty = SystemNs },
            Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, Permissions = ["chat"] },
        });

        var apiKey = await Eventually.UntilAsync(async () => await env.Api.ApiKeys.TryGetAsync(SystemNs, "ops") is { Status.Phase: "Active" } a ? a : null, "the system-namespace ApiKey is Active");
        var delivery = await env.Api.Secrets.GetAsync(SystemNs, apiKey.Status!.SecretName!);
        delivery.Data.Should().ContainKey("apiKey");
        var first = await Eventually.UntilAsync(async () => await env.Api.ProviderKeys.TryGetAsync(SystemNs, "primary") is { } p && Conditions.IsTrue(p.Status?.Conditions, "Validated") ? p : null, "the system-namespace ProviderKey is validated");

        await OperationsTests.WaitForQuietAsync(env);
        var before = env.Cluster.WriteCount;
        env.Operator.ResyncAll();
        await OperationsTests.WaitForQuietAsync(env);
        env.Cluster.WriteCount.Should().Be(before, "converged system-namespace keys are found in the caches, not rewritten");

        // The source Secret is not ours and sits in the system namespace: its change must still be followed.
        var source = await env.Api.Secrets.GetAsync(SystemNs, "creds");
        source.Data!["apiKey"] = Encoding.UTF8.GetBytes(NewKey);
        await env.Api.Secrets.ReplaceAsync(source);
        await Eventually.UntilAsync(async () => (await env.Api.ProviderKeys.GetAsync(SystemNs, "primary")).Status?.Fingerprint is { } f && f != first.Status!.Fingerprint, "the ProviderKey follows its source Secret");
    }
}
