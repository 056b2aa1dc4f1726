using System.Text;
using System.Text.Json;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// A tenant object naming a Secret never makes the operator write, adopt or delete it unless the
/// operator created it for that very object: every tenant object that names a Secret against every
/// kind of Secret a careless or hostile tenant could name.
/// </summary>
public sealed class ReservedSecretTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;
    private const string ProviderSecret = "sk-provider-0123456789";

    public static TheoryData<string, string> Pairings()
    {
        var data = new TheoryData<string, string>();
        foreach (var tenant in new[] { "ApiKey.spec.secretName", "ProviderKey.spec.secretRef" })
        {
            foreach (var target in new[] { "encryption key", "verifier", "provider-key copy", "another ApiKey's delivery Secret", "unrelated user Secret", "Helm release Secret" })
            {
                data.Add(tenant, target);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairings))]
    public async Task A_tenant_object_naming_a_Secret_not_made_for_it_leaves_it_untouched(string tenant, string target)
    {
        await using var provider = await StubProvider.StartAsync(ProviderSecret);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        var (ns, name) = await CreateTargetAsync(env, provider, target);
        await CreateProxyAsync(env, provider, SystemNs);
        await OperationsTests.WaitForQuietAsync(env);
        var before = await env.Api.Secrets.GetAsync(ns, name);

        var intruder = tenant == "ApiKey.spec.secretName"
            ? (IKubernetesObject<V1ObjectMeta>)await env.Api.ApiKeys.CreateAsync(new ApiKey
            {
                Metadata = new V1ObjectMeta { Name = "intruder", NamespaceProperty = ns },
                Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, Permissions = ["chat"], SecretName = name },
            })
            : await env.Api.ProviderKeys.CreateAsync(new ProviderKey
            {
                Metadata = new V1ObjectMeta { Name = "intruder", NamespaceProperty = ns },
                Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, SecretRef = new SecretKeyReference { Name = name } },
            });

        if (intruder is ApiKey)
        {
            var refused = await Eventually.UntilAsync(
                async () => await env.Api.ApiKeys.TryGetAsync(ns, "intruder") is { Status.Conditions: { } conditions } a && Conditions.Find(conditions, "Ready") is { Reason: "SecretConflict" } ? a : null,
                "the ApiKey reports SecretConflict");
            var ready = Conditions.Find(refused.Status!.Conditions, "Ready")!;
            ready.Status.Should().Be(Conditions.False);
            ready.Message.Should().Contain($"'{name}'");
            refused.Status.Phase.Should().Be("Invalid");
            await Eventually.UntilAsync(async () => (await env.EventsAsync("intruder")).Any(e => e.Reason == "SecretConflict" && e.Type == "Warning"), "a SecretConflict Warning Event");
            (await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(ns, "intruder"))).Should().BeNull("a refused key is not issued");
        }
        else
        {
            await Eventually.UntilAsync(async () => (await env.Api.ProviderKeys.TryGetAsync(ns, "intruder"))?.Status?.ObservedGeneration is not null, "the ProviderKey is reconciled");
        }

        await OperationsTests.WaitForQuietAsync(env);
        await ShouldBeUnchangedAsync(env, before, intruder, "while the tenant object names it");

        if (intruder is ApiKey)
        {
            await env.Api.ApiKeys.DeleteAsync(ns, "intruder");
            await Eventually.UntilAsync(async () => await env.Api.ApiKeys.TryGetAsync(ns, "intruder") is null, "the ApiKey is gone");
        }
        else
        {
            await env.Api.ProviderKeys.DeleteAsync(ns, "intruder");
            await Eventually.UntilAsync(async () => await env.Api.ProviderKeys.TryGetAsync(ns, "intruder") is null, "the ProviderKey is gone");
        }

        await OperationsTests.WaitForQuietAsync(env);
        await ShouldBeUnchangedAsync(env, before, intruder, "after the tenant object was deleted");
    }

    [Fact]
    public async Task A_delivery_Secret_left_by_an_earlier_ApiKey_of_the_same_name_is_not_adopted()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        var first = await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");

        // Deleted with its dependents orphaned (kubectl delete --cascade=orphan): the Secret still carries the first ApiKey's labels.
        await env.Api.ApiKeys.DeleteAsync(Ns, "app", new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan });
        await Eventually.UntilAsync(async () => await env.Api.ApiKeys.TryGetAsync(Ns, "app") is null, "the first ApiKey is gone");
        var left = await env.Api.Secrets.GetAsync(Ns, "app-key");
        left.Metadata.Labels![WellKnown.Labels.SourceUid].Should().Be(first.Metadata.Uid);

        await env.CreateApiKeyAsync("app");
        var second = await env.WaitForApiKeyAsync("app", a => Conditions.Find(a.Status?.Conditions, "Ready")?.Reason == "SecretConflict", "reports SecretConflict");

        second.Metadata.Uid.Should().NotBe(first.Metadata.Uid);
        (await env.Api.Secrets.GetAsync(Ns, "app-key")).Metadata.ResourceVersion.Should().Be(left.Metadata.ResourceVersion, "a Secret made for another object is not adopted");
    }

    [Fact]
    public async Task A_delivery_Secret_controlled_by_its_ApiKey_stays_ours_when_a_tool_stripped_its_labels()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        var apiKey = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var delivered = await env.DeliveredKeyAsync("app-key");

        // What an upgrade may meet: the previous version's Secret, recognised by its controller reference alone.
        var secret = await env.Api.Secrets.GetAsync(Ns, "app-key");
        secret.Metadata.Labels = null;
        await env.Api.Secrets.ReplaceAsync(secret);

        await Eventually.UntilAsync(async () => (await env.Api.Secrets.GetAsync(Ns, "app-key")).Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceUid) == apiKey.Metadata.Uid, "the operator labels it again");
        (await env.DeliveredKeyAsync("app-key")).Should().Be(delivered, "the key is kept, not re-issued");
        Conditions.Find((await env.Api.ApiKeys.GetAsync(Ns, "app")).Status!.Conditions, "Ready")!.Reason.Should().Be("Active");
    }

    private static async Task<(string Namespace, string Name)> CreateTargetAsync(OperatorTestEnvironment env, StubProvider provider, string target)
    {
        switch (target)
        {
            case "encryption key":
                // The operator creates the encryption key once there is a key to encrypt.
                await CreateProxyAsync(env, provider, Ns);
                await env.CreateApiKeyAsync("victim");
                await Eventually.UntilAsync(async () => await env.Api.Secrets.TryGetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name) is not null, "the encryption key exists");
                return (SystemNs, WellKnown.EncryptionKeySecret.Name);
            case "verifier":
                await CreateProxyAsync(env, provider, Ns);
                await env.CreateApiKeyAsync("victim");
                await env.WaitForApiKeyAsync("victim", a => a.Status?.Phase == "Active", "is Active");
                return (SystemNs, ManagedObjectNames.VerifierSecret(Ns, "victim"));
            case "provider-key copy":
                await CreateProxyAsync(env, provider, Ns);
                await CreateSourceAsync(env, "creds");
                await ProviderKeyTests.CreateProviderKeyAsync(env, "victim", "creds");
                var copy = ManagedObjectNames.ProviderKeySecret(Ns, "victim");
                await Eventually.UntilAsync(async () => await env.Api.Secrets.TryGetAsync(SystemNs, copy) is not null, "the provider-key copy exists");
                return (SystemNs, copy);
            case "another ApiKey's delivery Secret":
                await CreateProxyAsync(env, provider, Ns);
                await env.CreateApiKeyAsync("victim");
                await env.WaitForApiKeyAsync("victim", a => a.Status?.Phase == "Active", "is Active");
                return (Ns, "victim-key");
            case "unrelated user Secret":
                await CreateProxyAsync(env, provider, Ns);
                await env.Api.Secrets.CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db-password", NamespaceProperty = Ns }, Data = new Dictionary<string, byte[]>() { ["password"] = Encoding.UTF8.GetBytes("hunter2") } });
                return (Ns, "db-password");
            case "Helm release Secret":
                await env.Api.Secrets.CreateAsync(new V1Secret
                {
                    Type = "helm.sh/release.v1",
                    Metadata = new V1ObjectMeta
                    {
                        Name = "sh.helm.release.v1.bastio.v1",
                        NamespaceProperty = SystemNs,
                        Labels = new Dictionary<string, string>() { ["owner"] = "helm", ["name"] = "bastio", ["status"] = "deployed", ["version"] = "1" },
                    },
                    Data = new Dictionary<string, byte[]>() { ["release"] = Encoding.UTF8.GetBytes("H4sIAAAAAAAA/release") },
                });
                return (SystemNs, "sh.helm.release.v1.bastio.v1");
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, null);
        }
    }

    private static async Task CreateProxyAsync(OperatorTestEnvironment env, StubProvider provider, string ns)
    {
        if (await env.Api.Proxies.TryGetAsync(ns, "openai") is null)
        {
            await env.Api.Proxies.CreateAsync(new Proxy
            {
                Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = ns },
                Spec = new ProxySpec { Provider = "openai", Upstream = provider.Upstream.ToString() },
            });
        }
    }

    private static Task<V1Secret> CreateSourceAsync(OperatorTestEnvironment env, string name) =>
        env.Api.Secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Labels = new Dictionary<string, string>() { ["bastio.io/provider-key"] = "true" } },
            Data = new Dictionary<string, byte[]>() { ["apiKey"] = Encoding.UTF8.GetBytes(ProviderSecret) },
        });

    private static async Task ShouldBeUnchangedAsync(OperatorTestEnvironment env, V1Secret before, IKubernetesObject<V1ObjectMeta> intruder, string when)
    {
        var after = await env.Api.Secrets.TryGetAsync(before.Metadata.NamespaceProperty, before.Metadata.Name!);
        after.Should().NotBeNull("Secret {0} must survive ({1})", before.Metadata.Name, when);
        after!.Metadata.ResourceVersion.Should().Be(before.Metadata.ResourceVersion, "nothing wrote Secret {0} ({1})", before.Metadata.Name, when);
        Snapshot(after).Should().Be(Snapshot(before), "Secret {0} is byte-for-byte unchanged ({1})", before.Metadata.Name, when);
        (after.Metadata.OwnerReferences ?? []).Should().NotContain(o => o.Uid == intruder.Metadata.Uid, "Secret {0} is not owned by the tenant object ({1})", before.Metadata.Name, when);
    }

    private static string Snapshot(V1Secret secret) => JsonSerializer.Serialize(new
    {
        secret.Type,
        Data = secret.Data?.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new[] { p.Key, Convert.ToBase64String(p.Value) }),
        Labels = secret.Metadata.Labels?.OrderBy(p => p.Key, StringComparer.Ordinal),
        Annotations = secret.Metadata.Annotations?.OrderBy(p => p.Key, StringComparer.Ordinal),
        Owners = secret.Metadata.OwnerReferences?.Select(o => o.Uid),
    });
}
