using Bastio.Core;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

public sealed class DeletionTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;

    [Fact]
    public async Task Objects_deleted_while_the_operator_was_down_are_finalized_at_start_up()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        await env.StopOperatorAsync(env.Operator);

        await env.Api.ApiKeys.DeleteAsync(Ns, "app");
        (await env.Api.ApiKeys.GetAsync(Ns, "app")).Metadata.DeletionTimestamp.Should().NotBeNull("the finalizer holds it");

        await env.StartOperatorAsync();
        await Eventually.UntilAsync(async () => await env.Api.ApiKeys.TryGetAsync(Ns, "app") is null, "the ApiKey is finalized");
        (await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app"))).Should().BeNull();
    }

    [Fact]
    public async Task Deleting_a_provider_key_removes_its_encrypted_copy()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(1));
        await env.CreateProxyAsync(upstream: "http://127.0.0.1:9/v1");
        await ProviderKeyTests.CreateSourceAsync(env, "creds", "sk-test-0123456789");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        var copyName = ManagedObjectNames.ProviderKeySecret(Ns, "primary");
        await Eventually.UntilAsync(async () => await env.Api.Secrets.TryGetAsync(SystemNs, copyName) is not null, "the copy exists");

        await env.Api.ProviderKeys.DeleteAsync(Ns, "primary");

        await Eventually.UntilAsync(async () => await env.Api.ProviderKeys.TryGetAsync(Ns, "primary") is null, "the ProviderKey is gone");
        (await env.Api.Secrets.TryGetAsync(SystemNs, copyName)).Should().BeNull();
    }

    [Fact]
    public async Task Sweep_removes_managed_objects_whose_source_is_gone()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.SweepInterval = TimeSpan.FromSeconds(1));
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("kept");
        var kept = await env.WaitForApiKeyAsync("kept", a => a.Status?.Phase == "Active", "is Active");

        // What a force-deleted ApiKey (finalizer stripped) leaves behind.
        await env.Api.Secrets.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = ManagedObjectNames.VerifierSecret(Ns, "gone"),
                NamespaceProperty = SystemNs,
                Labels = new Dictionary<string, string>()
                {
                    [WellKnown.Labels.ManagedBy] = WellKnown.Labels.ManagedByValue,
                    [WellKnown.Labels.Component] = WellKnown.Components.ApiKeyVerifier,
                    [WellKnown.Labels.SourceKind] = "ApiKey",
                    [WellKnown.Labels.SourceNamespace] = Ns,
                    [WellKnown.Labels.SourceName] = "gone",
                    [WellKnown.Labels.SourceUid] = Guid.NewGuid().ToString(),
                },
            },
            Data = new Dictionary<string, byte[]>() { [WellKnown.VerifierSecret.KeyId] = "AAAAAAAAAAAA"u8.ToArray() },
        });

        await Eventually.UntilAsync(async () => await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "gone")) is null, "the orphan is swept");
        (await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "kept"))).Should().NotBeNull("objects with a live source stay");
        kept.Status!.Phase.Should().Be("Active");
    }
}
