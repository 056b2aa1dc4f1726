using Bastio.Core;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// Losing the encryption key is loud, never silent: an operator that finds it missing while keys are
/// encrypted under it creates no new key and re-issues nothing until a person asks for a fresh start.
/// (Deleting it under a running operator and gateway: Bastio.Gateway.Tests' EncryptionKeyLossTests.)
/// </summary>
public sealed class EncryptionKeyLossTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;
    private const string MissingGauge = "bastio_operator_encryption_key_missing";

    [Fact]
    public async Task An_operator_starting_without_the_key_reports_the_loss_and_re_issues_nothing_until_a_reset_is_requested()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        var before = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var delivered = await env.DeliveredKeyAsync("app-key");
        var verifier = await env.Api.Secrets.GetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app"));

        // A new operator process holds no key in memory; the Secret is gone (a mistake, a partial restore).
        await env.StopOperatorAsync(env.Operator);
        await env.Api.Secrets.DeleteAsync(SystemNs, WellKnown.EncryptionKeySecret.Name);
        await env.StartOperatorAsync();

        await env.WaitForEventAsync(WellKnown.EncryptionKeySecret.Name, "EncryptionKeyMissing");
        var missing = (await env.EventsAsync(WellKnown.EncryptionKeySecret.Name)).First(e => e.Reason == "EncryptionKeyMissing");
        missing.Type.Should().Be("Warning");
        missing.Regarding.NamespaceProperty.Should().Be(SystemNs);
        env.Logs.Lines.Should().Contain(l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("Encryption key lost", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };
        await Eventually.UntilAsync(async () => (await MetricsScrape.GetAsync(http, new Uri("/metrics", UriKind.Relative))).Value(MissingGauge) == 1, "the missing-key gauge is 1");

        await OperationsTests.WaitForQuietAsync(env);
        (await env.Api.Secrets.TryGetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name)).Should().BeNull("no new key is created while keys are encrypted under the lost one");
        (await env.DeliveredKeyAsync("app-key")).Should().Be(delivered, "no client key is re-issued");
        (await env.Api.Secrets.GetAsync(SystemNs, verifier.Metadata.Name!)).Metadata.ResourceVersion.Should().Be(verifier.Metadata.ResourceVersion, "the verifiers are kept for a restore");
        env.Audit.Lines().Should().NotContain(l => l.Contains("\"action\":\"Rotated\"") || l.Contains("\"action\":\"Reissued\""));

        // The explicit fresh start: an empty Secret carrying the reset annotation.
        await env.Api.Secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = WellKnown.EncryptionKeySecret.Name, NamespaceProperty = SystemNs, Annotations = new Dictionary<string, string>() { ["bastio.io/reset-encryption-key"] = "true" } },
        });

        var reissued = await env.WaitForApiKeyAsync("app", a => a.Status?.Version > before.Status!.Version && a.Status.Phase == "Active", "is re-issued above its previous version");
        reissued.Status!.Version.Should().Be(before.Status!.Version + 1, "status.version never decreases, also across a reset");
        (await env.DeliveredKeyAsync("app-key")).Should().NotBe(delivered);
        (await env.GatewayAcceptsAsync(reissued, (await env.DeliveredKeyAsync("app-key"))!)).Should().BeTrue();
        env.Audit.Lines().Should().Contain(l => l.Contains("\"action\":\"Reissued\"") && l.Contains("\"name\":\"app\"") && l.Contains("\"actor\":\"encryption-key-reset\""));
        await env.WaitForEventAsync("app", "Reissued");
        await env.WaitForEventAsync(WellKnown.EncryptionKeySecret.Name, "EncryptionKeyReset");
        await Eventually.UntilAsync(async () => (await env.Api.Secrets.GetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name)).Metadata.Annotations?.ContainsKey("bastio.io/reset-encryption-key") != true, "the completed reset removes its annotation");
        await Eventually.UntilAsync(async () => (await MetricsScrape.GetAsync(http, new Uri("/metrics", UriKind.Relative))).Value(MissingGauge) == 0, "the missing-key gauge is 0");
        (await env.KeyRingAsync()).ActiveVersion.Should().Be("k2", "the new key is numbered above the lost one, so what it replaced stays recognisably lost");
    }

    [Fact]
    public async Task A_replaced_key_Secret_that_lacks_the_versions_in_use_is_reported_and_nothing_is_re_issued()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        var before = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var delivered = await env.DeliveredKeyAsync("app-key");

        // A restore from an unrelated backup: a different k1 under the same name.
        var secret = await env.Api.Secrets.GetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name);
        secret.Data = Bastio.Core.Encryption.EncryptionKeyRing.CreateNew().ToSecretData();
        await env.Api.Secrets.ReplaceAsync(secret);

        await Eventually.UntilAsync(() => env.Logs.Lines.Any(l => l.Contains("do not decrypt", StringComparison.Ordinal) && l.Contains("not re-issued", StringComparison.Ordinal)), "the ApiKey controller refuses to re-issue");
        await OperationsTests.WaitForQuietAsync(env);
        (await env.DeliveredKeyAsync("app-key")).Should().Be(delivered, "no client key is re-issued under a key that does not decrypt its verifiers");
        (await env.Api.ApiKeys.GetAsync(Ns, "app")).Status!.Version.Should().Be(before.Status!.Version);
    }
}
