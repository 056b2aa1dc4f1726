using System.Security.Cryptography;
using System.Text;
using Bastio.Core;
using Bastio.Core.Keys;
using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// Whoever may create ProviderKeys must not be able to send any Secret of the namespace to an upstream:
/// a source Secret opts in with <c>bastio.io/provider-key: "true"</c>, and the fingerprint in the
/// status cannot be used to check a guessed key.
/// </summary>
public sealed class ProviderKeySourceTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;
    private const string GoodKey = "sk-test-good-0123456789";

    [Fact]
    public async Task A_Secret_that_did_not_opt_in_is_never_read_or_sent_and_opting_in_or_out_is_followed()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());

        // The label an earlier plugin wrote (the key's name) is not an opt-in either.
        await env.Api.Secrets.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "db-password", NamespaceProperty = Ns, Labels = new Dictionary<string, string>() { [WellKnown.Labels.ProviderKeySource] = "primary" } },
            Data = new Dictionary<string, byte[]>() { ["apiKey"] = Encoding.UTF8.GetBytes(GoodKey) },
        });
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "db-password");

        var refused = await WaitForReadyReasonAsync(env, "primary", "SourceNotAllowed");
        refused.Status!.Phase.Should().Be("Invalid");
        refused.Status.Fingerprint.Should().BeNull("nothing about the Secret's value may be revealed");
        Conditions.Find(refused.Status.Conditions, "Ready")!.Message.Should().Contain("bastio.io/provider-key").And.NotContain(GoodKey);
        await env.WaitForEventAsync("primary", "SourceNotAllowed");
        (await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.ProviderKeySecret(Ns, "primary"))).Should().BeNull("no copy is made of a Secret that did not opt in");
        provider.Requests.Should().BeEmpty("its value is sent nowhere");

        // Opting in is noticed through the watch on the source.
        await RelabelAsync(env, "db-password", "true");
        var validated = await ProviderKeyTests.WaitForProviderKeyAsync(env, "primary", p => Conditions.IsTrue(p.Status?.Conditions, "Ready") && Conditions.IsTrue(p.Status?.Conditions, "Validated"), "uses the opted-in source");
        validated.Status!.Phase.Should().Be("Active");
        provider.Requests.Should().ContainSingle();

        // Opting out again stops it being read.
        await RelabelAsync(env, "db-password", null);
        await WaitForReadyReasonAsync(env, "primary", "SourceNotAllowed");
        (await env.EventsAsync("primary")).Count(e => e.Reason == "SourceNotAllowed").Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task The_fingerprint_is_keyed_per_installation_and_written_once()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        await ProviderKeyTests.CreateSourceAsync(env, "same-creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "same", "same-creds");

        var primary = await ProviderKeyTests.WaitForProviderKeyAsync(env, "primary", IsActiveAndValidated, "is validated");
        var same = await ProviderKeyTests.WaitForProviderKeyAsync(env, "same", IsActiveAndValidated, "is validated");

        var fingerprint = primary.Status!.Fingerprint;
        fingerprint.Should().Be(ProviderKeyFingerprint.Compute(await env.KeyRingAsync(), GoodKey));
        fingerprint.Should().NotBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(GoodKey)))[..8], "an unkeyed hash lets anyone confirm a guess offline");
        same.Status!.Fingerprint.Should().Be(fingerprint, "it still identifies the key");

        // Written once: a converged key is not rewritten by another pass.
        await OperationsTests.WaitForQuietAsync(env);
        var before = env.Cluster.WriteCount;
        env.Operator.ResyncAll();
        await OperationsTests.WaitForQuietAsync(env);
        env.Cluster.WriteCount.Should().Be(before);
        provider.Requests.Should().HaveCount(2, "each key is checked once, not again on every pass");
    }

    private static Task<ProviderKey> WaitForReadyReasonAsync(OperatorTestEnvironment env, string name, string reason) =>
        ProviderKeyTests.WaitForProviderKeyAsync(env, name, p => Conditions.Find(p.Status?.Conditions, "Ready") is { Status: "False" } ready && ready.Reason == reason, $"is not Ready with reason {reason}");

    private static bool IsActiveAndValidated(ProviderKey providerKey) =>
        providerKey.Status?.Phase == "Active" && Conditions.IsTrue(providerKey.Status.Conditions, "Validated");

    private static async Task RelabelAsync(OperatorTestEnvironment env, string name, string? value)
    {
        var secret = await env.Api.Secrets.GetAsync(Ns, name);
        secret.Metadata.Labels ??= new Dictionary<string, string>();
        if (value is null)
        {
            secret.Metadata.Labels.Remove(WellKnown.Labels.ProviderKeySource);
        }
        else
        {
            secret.Metadata.Labels[WellKnown.Labels.ProviderKeySource] = value;
        }

        await env.Api.Secrets.ReplaceAsync(secret);
    }
}
