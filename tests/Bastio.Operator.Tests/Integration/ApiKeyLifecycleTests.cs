using Bastio.Core;
using Bastio.Core.Keys;
using Bastio.Crds.Rotation;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

public sealed class ApiKeyLifecycleTests
{
    [Fact]
    public async Task Created_key_is_delivered_and_accepted_by_the_gateway()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.GatewayUrl = new Uri("https://gateway.example.com"));
        await env.CreateProxyAsync(configure: p => p.Environment = "staging");
        await env.CreateApiKeyAsync("app");

        var apiKey = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var delivered = await env.Api.Secrets.GetAsync(OperatorTestEnvironment.Namespace, "app-key");
        var key = await env.DeliveredKeyAsync("app-key");

        key.Should().StartWith("bastio_sk_test_");
        ClientKey.TryParse(key, out var parts).Should().BeTrue();
        parts.KeyId.ToString().Should().Be(apiKey.Status!.KeyId);
        apiKey.Status.KeyPrefix.Should().StartWith("bastio_sk_test_" + apiKey.Status.KeyId![..4]);
        apiKey.Status.Version.Should().Be(1);
        apiKey.Status.SecretName.Should().Be("app-key");
        apiKey.Status.CreatedAt.Should().NotBeNull();
        Conditions.IsTrue(apiKey.Status.Conditions, "Ready").Should().BeTrue();
        apiKey.Metadata.Finalizers.Should().Contain(WellKnown.Finalizer);

        delivered.Metadata.OwnerReferences.Should().ContainSingle(o => o.Uid == apiKey.Metadata.Uid && o.Controller == true);
        delivered.Data![WellKnown.DeliverySecret.KeyId].Should().Equal(System.Text.Encoding.UTF8.GetBytes(apiKey.Status.KeyId!));
        System.Text.Encoding.UTF8.GetString(delivered.Data[WellKnown.DeliverySecret.BaseUrl]).Should().Be("https://gateway.example.com/v1");

        (await env.GatewayAcceptsAsync(apiKey, key!)).Should().BeTrue();
        var verifier = await env.Api.Secrets.GetAsync(OperatorTestEnvironment.SystemNamespace, ManagedObjectNames.VerifierSecret(OperatorTestEnvironment.Namespace, "app"));
        verifier.Metadata.Labels.Should().Contain(WellKnown.Labels.ManagedBy, WellKnown.Labels.ManagedByValue)
            .And.Contain(WellKnown.Labels.SourceUid, apiKey.Metadata.Uid!)
            .And.Contain(WellKnown.Labels.KeyId, apiKey.Status.KeyId!);
        await env.WaitForEventAsync("app", "Created");

        var proxy = await Eventually.UntilAsync(async () => await env.Api.Proxies.GetAsync(OperatorTestEnvironment.Namespace, "openai") is { Status.ApiKeys: 1 } p ? p : null, "the proxy counts the key");
        proxy.Status!.ProviderKeys.Should().Be(0);
        Conditions.Find(proxy.Status.Conditions, "Ready")!.Reason.Should().Be("NoUsableProviderKey");
    }

    [Fact]
    public async Task Annotation_rotation_keeps_the_previous_key_for_the_grace_period_then_drops_it()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "0 3 * * 1", GracePeriod = "3s" });
        var first = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var oldKey = await env.DeliveredKeyAsync("app-key");

        await env.UpdateApiKeyAsync("app", a => (a.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.RotateRequestedAtAnnotation] = "2026-11-22T06:00:00Z");
        var rotated = await env.WaitForApiKeyAsync("app", a => a.Status?.LastRotationRequest == "2026-11-22T06:00:00Z", "served the request");

        var newKey = await env.DeliveredKeyAsync("app-key");
        newKey.Should().NotBe(oldKey);
        rotated.Status!.KeyId.Should().Be(first.Status!.KeyId, "the key id is stable across rotations");
        rotated.Status.Version.Should().Be(2);
        rotated.Status.LastRotatedAt.Should().NotBeNull();
        rotated.Status.PreviousKeyExpiresAt.Should().NotBeNull();
        Conditions.Find(rotated.Status.Conditions, ApiKeyConditions.Rotated)!.Status.Should().Be("True");
        (await env.GatewayAcceptsAsync(rotated, newKey!)).Should().BeTrue();
        (await env.GatewayAcceptsAsync(rotated, oldKey!)).Should().BeTrue("the previous key works during the grace period");
        await env.WaitForEventAsync("app", "Rotated");

        var expired = await env.WaitForApiKeyAsync("app", a => a.Status?.PreviousKeyExpiresAt is null, "dropped the previous key");
        (await env.GatewayAcceptsAsync(expired, oldKey!)).Should().BeFalse();
        (await env.GatewayAcceptsAsync(expired, newKey!)).Should().BeTrue();
        (await env.StoredKeyAsync(expired))!.Previous.Should().BeEmpty("the previous verifier is removed, not just expired");
        await env.WaitForEventAsync("app", "PreviousKeyExpired");
        env.Audit.Lines().Should().Contain(l => l.Contains("\"action\":\"Rotated\"") && l.Contains("\"actor\":\"user\""));
    }

    [Fact]
    public async Task Rotate_grace_annotation_regenerates_with_no_grace_and_the_rotate_command_clears_it()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "0 3 * * 1", GracePeriod = "1h" });
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var oldKey = await env.DeliveredKeyAsync("app-key");

        await env.UpdateApiKeyAsync("app", a =>
        {
            a.Metadata.Annotations ??= new Dictionary<string, string>();
            a.Metadata.Annotations[WellKnown.RotateRequestedAtAnnotation] = "2026-11-22T07:00:00Z";
            a.Metadata.Annotations[WellKnown.RotateGraceAnnotation] = "0s";
        });
        var regenerated = await env.WaitForApiKeyAsync("app", a => a.Status?.LastRotationRequest == "2026-11-22T07:00:00Z", "served the request");

        (await env.GatewayAcceptsAsync(regenerated, oldKey!)).Should().BeFalse("regenerate leaves the old key no grace, whatever the spec says");
        (await env.GatewayAcceptsAsync(regenerated, (await env.DeliveredKeyAsync("app-key"))!)).Should().BeTrue();

        var (code, output) = await RotateCommand.RunAsync(env, "app");
        code.Should().Be((int)RotationOutcome.Completed, output);
        var scheduled = await env.Api.ApiKeys.GetAsync(OperatorTestEnvironment.Namespace, "app");
        scheduled.Metadata.Annotations.Should().NotContainKey(WellKnown.RotateGraceAnnotation, "a scheduled rotation uses the spec's grace period");
        scheduled.Status!.PreviousKeyExpiresAt.Should().NotBeNull("the spec's 1h grace applies again");
    }

    [Fact]
    public async Task Rotate_command_waits_until_the_operator_rotated_and_the_cron_job_runs_it()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("nightly", s => s.Rotation = new() { Schedule = "0 3 * * *", GracePeriod = "0s" });
        var before = await env.WaitForApiKeyAsync("nightly", a => a.Status?.Phase == "Active", "is Active");
        before.Status!.NextRotationAt.Should().NotBeNull();
        before.Status.NextRotationAt!.Value.Hour.Should().Be(3);
        var oldKey = await env.DeliveredKeyAsync("nightly-key");

        var cronJobName = ManagedObjectNames.RotationCronJob(OperatorTestEnvironment.Namespace, "nightly");
        var cronJob = await Eventually.UntilAsync(() => env.Api.CronJobs.TryGetAsync(OperatorTestEnvironment.SystemNamespace, cronJobName), "the rotation CronJob exists");
        cronJob.Spec.Schedule.Should().Be("0 3 * * *");
        var pod = cronJob.Spec.JobTemplate.Spec.Template.Spec;
        pod.ServiceAccountName.Should().Be("bastio-rotator");
        pod.SecurityContext!.RunAsNonRoot.Should().BeTrue();
        pod.Containers.Should().ContainSingle().Which.Args.Should().Equal("rotate", "--namespace", OperatorTestEnvironment.Namespace, "--name", "nightly", "--wait", "5m");
        pod.Containers[0].Image.Should().Be("bastio/operator:test");
        pod.Containers[0].SecurityContext!.ReadOnlyRootFilesystem.Should().BeTrue();

        var (code, output) = await RotateCommand.RunAsync(env, "nightly");

        code.Should().Be((int)RotationOutcome.Completed, output);
        var after = await env.Api.ApiKeys.GetAsync(OperatorTestEnvironment.Namespace, "nightly");
        after.Metadata.Annotations.Should().ContainKey(WellKnown.RotateRequestedAtAnnotation)
            .WhoseValue.Should().Be(after.Status!.LastRotationRequest);
        after.Status.Version.Should().Be(before.Status.Version + 1);
        output.Should().Contain($"rotated to version {after.Status.Version}");
        after.Status.Version.Should().Be(2);
        var newKey = await env.DeliveredKeyAsync("nightly-key");
        (await env.GatewayAcceptsAsync(after, newKey!)).Should().BeTrue();
        (await env.GatewayAcceptsAsync(after, oldKey!)).Should().BeFalse("a zero grace period retires the old key at once");
        env.Audit.Lines().Should().Contain(l => l.Contains("\"action\":\"Rotated\"") && l.Contains("\"actor\":\"schedule\""));

        await env.UpdateApiKeyAsync("nightly", a => a.Spec.Rotation = null);
        await Eventually.UntilAsync(async () => await env.Api.CronJobs.TryGetAsync(OperatorTestEnvironment.SystemNamespace, cronJobName) is null, "the CronJob is removed with the rotation");
    }
}
