using Bastio.Core;
using Bastio.Crds.Rotation;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

public sealed class ApiKeyStateTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;

    [Fact]
    public async Task Disable_keeps_the_key_and_enable_restores_it()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var key = await env.DeliveredKeyAsync("app-key");

        await env.UpdateApiKeyAsync("app", a => a.Spec.Disabled = true);
        var disabled = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Disabled", "is Disabled");
        Conditions.Find(disabled.Status!.Conditions, "Ready")!.Reason.Should().Be("Disabled");
        (await env.DeliveredKeyAsync("app-key")).Should().Be(key, "disabling is reversible: the key is kept");
        await env.WaitForEventAsync("app", "Disabled");

        await env.UpdateApiKeyAsync("app", a => a.Spec.Disabled = false);
        var enabled = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active again");
        (await env.DeliveredKeyAsync("app-key")).Should().Be(key);
        (await env.GatewayAcceptsAsync(enabled, key!)).Should().BeTrue();
        await env.WaitForEventAsync("app", "Enabled");
    }

    [Fact]
    public async Task Revocation_destroys_the_key_and_cannot_be_undone()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "0 3 * * *" });
        var active = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var key = await env.DeliveredKeyAsync("app-key");
        await Eventually.UntilAsync(async () => await env.Api.CronJobs.TryGetAsync(SystemNs, ManagedObjectNames.RotationCronJob(Ns, "app")) is not null, "the CronJob exists");

        await env.UpdateApiKeyAsync("app", a => a.Spec.Revoked = true);
        var revoked = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Revoked", "is Revoked");
        await Eventually.UntilAsync(async () => await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app")) is null, "the verifiers are destroyed");
        await Eventually.UntilAsync(async () => await env.DeliveredKeyAsync("app-key") is null, "the key is removed from the delivery Secret");
        await Eventually.UntilAsync(async () => await env.Api.CronJobs.TryGetAsync(SystemNs, ManagedObjectNames.RotationCronJob(Ns, "app")) is null, "the CronJob is removed");
        (await env.GatewayAcceptsAsync(revoked, key!)).Should().BeFalse();
        revoked.Status!.KeyId.Should().Be(active.Status!.KeyId, "the public id stays for the gateway's revoked_api_key answer");
        await env.WaitForEventAsync("app", "Revoked");

        // The CRD refuses the transition back to false outright...
        var undo = () => env.UpdateApiKeyAsync("app", a => a.Spec.Revoked = false);
        (await undo.Should().ThrowAsync<InvalidException>()).Which.Message.Should().Contain("revoked");

        // ...and so does dropping the field. (On servers without CEL the operator itself keeps the key
        // revoked and says so in a condition; see ApiKeyStatusBuilderTests.)
        var drop = () => env.UpdateApiKeyAsync("app", a => a.Spec.Revoked = null);
        await drop.Should().ThrowAsync<InvalidException>();
        (await env.Api.ApiKeys.GetAsync(Ns, "app")).Status!.Phase.Should().Be("Revoked");
        (await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app"))).Should().BeNull();
        (await env.DeliveredKeyAsync("app-key")).Should().BeNull("no new key is issued for a revoked ApiKey");

        // A rotation request is answered (the rotate command must not hang), as a failure.
        var (code, output) = await RotateCommand.RunAsync(env, "app");
        code.Should().Be((int)RotationOutcome.Failed, output);
        output.Should().Contain("failed: Rotation requested at").And.Contain("the key is revoked");
        await env.WaitForEventAsync("app", "RotationFailed");
    }

    [Fact]
    public async Task Key_expires_at_expires_at_and_its_rotation_then_fails_with_the_reason()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(4);
        await env.CreateApiKeyAsync("app", s => s.ExpiresAt = new DateTimeOffset(expiresAt.Ticks - (expiresAt.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");

        var expired = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Expired", "is Expired");
        DateTimeOffset.UtcNow.Should().BeOnOrAfter(expired.Spec.ExpiresAt!.Value);
        Conditions.Find(expired.Status!.Conditions, "Ready")!.Status.Should().Be("False");
        await env.WaitForEventAsync("app", "Expired");

        // The rotate command reports an expired key's rotation as failed, with the reason, and issues nothing.
        var (code, output) = await RotateCommand.RunAsync(env, "app");
        code.Should().Be((int)RotationOutcome.Failed, output);
        output.Should().Contain("failed").And.Contain("the key has expired");
        (await env.Api.ApiKeys.GetAsync(Ns, "app")).Status!.Version.Should().Be(expired.Status.Version, "no key was issued");
    }

    [Fact]
    public async Task The_rotate_command_times_out_with_a_non_zero_code_when_nothing_answers()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");

        // A zero wait: the answer cannot have been written before the wait ends.
        var (code, output) = await RotateCommand.RunAsync(env, "app", TimeSpan.Zero);

        code.Should().Be((int)RotationOutcome.TimedOut, output);
        output.Should().Contain("no answer");
    }

    [Fact]
    public async Task A_deleted_rotation_cron_job_is_put_back()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "*/5 * * * *" });
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var name = ManagedObjectNames.RotationCronJob(Ns, "app");
        var first = await Eventually.UntilAsync(() => env.Api.CronJobs.TryGetAsync(SystemNs, name), "the CronJob exists");

        await env.Api.CronJobs.DeleteAsync(SystemNs, name);

        var restored = await Eventually.UntilAsync(
            async () => await env.Api.CronJobs.TryGetAsync(SystemNs, name) is { } c && c.Metadata.Uid != first.Metadata.Uid ? c : null,
            "the CronJob is created again");
        restored.Spec.Schedule.Should().Be("*/5 * * * *");
    }

    [Fact]
    public async Task Deleting_the_api_key_removes_its_system_namespace_objects()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "*/5 * * * *" });
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        await Eventually.UntilAsync(async () => await env.Api.CronJobs.TryGetAsync(SystemNs, ManagedObjectNames.RotationCronJob(Ns, "app")) is not null, "the CronJob exists");

        await env.Api.ApiKeys.DeleteAsync(Ns, "app");

        await Eventually.UntilAsync(async () => await env.Api.ApiKeys.TryGetAsync(Ns, "app") is null, "the ApiKey is gone (finalizer removed)");
        (await env.Api.Secrets.TryGetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app"))).Should().BeNull();
        (await env.Api.CronJobs.TryGetAsync(SystemNs, ManagedObjectNames.RotationCronJob(Ns, "app"))).Should().BeNull();
        env.Audit.Lines().Should().Contain(l => l.Contains("\"action\":\"Deleted\""));
    }

    [Fact]
    public async Task Semantic_problems_are_reported_as_phase_invalid_with_a_reason()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateApiKeyAsync("orphan", proxy: "missing");
        var orphan = await env.WaitForApiKeyAsync("orphan", a => a.Status?.Phase == "Invalid", "is Invalid");
        Conditions.Find(orphan.Status!.Conditions, "Ready")!.Reason.Should().Be("ProxyNotFound");
        (await env.DeliveredKeyAsync("orphan-key")).Should().BeNull();

        await env.CreateProxyAsync(configure: p => p.Plans = new() { ["free"] = new() { Requests = 60, Period = "minute" } });
        await env.CreateApiKeyAsync("planless", s => s.Plan = "gold");
        // The operator may see the key before the Proxy reaches its cache (Invalid: ProxyNotFound); wait for the verdict on the plan.
        var planless = await env.WaitForApiKeyAsync(
            "planless",
            a => a.Status?.Phase == "Invalid" && Conditions.Find(a.Status.Conditions, "Ready")?.Reason != "ProxyNotFound",
            "is Invalid for its plan");
        Conditions.Find(planless.Status!.Conditions, "Ready")!.Message.Should().Contain("gold");

        // Creating the missing proxy fixes the first key: a Proxy change re-reconciles the keys that name it.
        await env.CreateProxyAsync("missing");
        await env.WaitForApiKeyAsync("orphan", a => a.Status?.Phase == "Active", "became Active once its Proxy exists");
    }

    [Fact]
    public async Task Wrong_types_are_rejected_by_the_schema_with_a_clear_message()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(startOperator: false);
        using var http = RawClient(env);
        var body = """
            {"apiVersion":"bastio.io/v1alpha1","kind":"ApiKey","metadata":{"name":"bad","namespace":"team-a"},
             "spec":{"proxyRef":{"name":"openai"},"rateLimit":{"requests":"lots","period":"fortnight"}}}
            """;
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri(env.Cluster.Url, "/apis/bastio.io/v1alpha1/namespaces/team-a/apikeys"), content);

        ((int)response.StatusCode).Should().Be(422);
        var status = await response.Content.ReadAsStringAsync();
        status.Should().Contain("spec.rateLimit.requests").And.Contain("spec.rateLimit.period");
    }

    private static HttpClient RawClient(OperatorTestEnvironment env)
    {
        var authority = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(env.Cluster.CertificateAuthorityPem);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        var client = new HttpClient(handler);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", env.Cluster.Token);
        return client;
    }
}
