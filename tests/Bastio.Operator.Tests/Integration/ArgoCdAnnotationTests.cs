using Bastio.Core;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>What docs/gitops-argocd.md promises about the objects the operator generates.</summary>
public sealed class ArgoCdAnnotationTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;
    private const string InstanceLabel = "app.kubernetes.io/instance";
    private const string TrackingIdAnnotation = "argocd.argoproj.io/tracking-id";
    private const string GoodKey = "sk-test-argo-0123456789";

    [Fact]
    public async Task Generated_secrets_and_cronjobs_are_marked_for_argo_cd_without_its_tracking_marks()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await StartWithKeysAsync(provider);

        foreach (var managed in await GeneratedObjectsAsync(env))
        {
            var what = $"{managed.Kind} {managed.Metadata.Name}";
            managed.Metadata.Annotations.Should().Contain(ManagedAnnotations.CompareOptions, "IgnoreExtraneous", what)
                .And.Contain(ManagedAnnotations.SyncOptions, "Prune=false", what);
            managed.Metadata.Annotations.Should().NotContainKey(TrackingIdAnnotation, what);
            (managed.Metadata.Labels ?? new Dictionary<string, string>()).Should().NotContainKey(InstanceLabel, what);
            managed.Metadata.Labels.Should().Contain(WellKnown.Labels.ManagedBy, WellKnown.Labels.ManagedByValue, what);
        }
    }

    [Fact]
    public async Task Objects_of_an_older_operator_gain_the_annotations_without_their_data_being_rewritten()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await StartWithKeysAsync(provider);
        await OperationsTests.WaitForQuietAsync(env);
        await env.StopOperatorAsync(env.Operator);

        // What an operator version before the annotations left behind.
        var dataBefore = new Dictionary<string, IDictionary<string, byte[]>?>();
        foreach (var managed in await GeneratedObjectsAsync(env))
        {
            managed.Metadata.Annotations!.Remove(ManagedAnnotations.CompareOptions);
            managed.Metadata.Annotations.Remove(ManagedAnnotations.SyncOptions);
            switch (managed)
            {
                case V1Secret secret:
                    dataBefore[secret.Metadata.NamespaceProperty + "/" + secret.Metadata.Name] = secret.Data;
                    await env.Api.Secrets.ReplaceAsync(secret);
                    break;
                case V1CronJob cronJob:
                    await env.Api.CronJobs.ReplaceAsync(cronJob);
                    break;
            }
        }

        await env.StartOperatorAsync();
        await Eventually.UntilAsync(
            async () => (await GeneratedObjectsAsync(env)).All(o => ManagedAnnotations.Present(o.Metadata)),
            "every generated object is annotated again");
        await OperationsTests.WaitForQuietAsync(env);

        foreach (var managed in await GeneratedObjectsAsync(env))
        {
            if (managed is V1Secret secret)
            {
                var before = dataBefore[secret.Metadata.NamespaceProperty + "/" + secret.Metadata.Name];
                SecretContent.SameData(before, secret.Data).Should().BeTrue($"Secret {secret.Metadata.Name} keeps its data: no key re-issued, nothing re-encrypted");
            }
        }

        var writes = env.Cluster.WriteCount;
        env.Operator.ResyncAll();
        await OperationsTests.WaitForQuietAsync(env);
        env.Cluster.WriteCount.Should().Be(writes, "once annotated, a no-op reconcile writes nothing");
    }

    /// <summary>An ApiKey (with a rotation schedule) and a ProviderKey that both carry Argo CD's tracking marks, as when synced from Git.</summary>
    private static async Task<OperatorTestEnvironment> StartWithKeysAsync(StubProvider provider)
    {
        var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "0 3 * * *" });
        await env.UpdateApiKeyAsync("app", Track);
        while (true)
        {
            var providerKey = await env.Api.ProviderKeys.GetAsync(Ns, "primary");
            Track(providerKey);
            try
            {
                await env.Api.ProviderKeys.ReplaceAsync(providerKey);
                break;
            }
            catch (ConflictException)
            {
            }
        }

        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        await Eventually.UntilAsync(
            async () => await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.ProviderKeySecret(Ns, "primary")) is not null
                && await env.Api.CronJobs.TryGetAsync(SystemNs, ManagedObjectNames.RotationCronJob(Ns, "app")) is not null,
            "the provider key copy and the rotation CronJob exist");
        return env;
    }

    private static void Track(IKubernetesObject<V1ObjectMeta> source)
    {
        (source.Metadata.Labels ??= new Dictionary<string, string>())[InstanceLabel] = "tenant-keys";
        (source.Metadata.Annotations ??= new Dictionary<string, string>())[TrackingIdAnnotation] = "tenant-keys:bastio.io/ApiKey:team-a/app";
    }

    private static async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> GeneratedObjectsAsync(OperatorTestEnvironment env) =>
    [
        await env.Api.Secrets.GetAsync(Ns, "app-key"),
        await env.Api.Secrets.GetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app")),
        await env.Api.Secrets.GetAsync(SystemNs, ManagedObjectNames.ProviderKeySecret(Ns, "primary")),
        await env.Api.Secrets.GetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name),
        await env.Api.CronJobs.GetAsync(SystemNs, ManagedObjectNames.RotationCronJob(Ns, "app")),
    ];
}
