using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

public sealed class OperationsTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string SystemNs = OperatorTestEnvironment.SystemNamespace;

    [Fact]
    public async Task Full_resync_of_a_converged_system_writes_nothing()
    {
        await using var provider = await StubProvider.StartAsync("sk-test-good-0123456789");
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", "sk-test-good-0123456789");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        for (var i = 0; i < 5; i++)
        {
            await env.CreateApiKeyAsync("app-" + i, s => s.Rotation = i % 2 == 0 ? new() { Schedule = "0 3 * * *" } : null);
        }

        for (var i = 0; i < 5; i++)
        {
            await env.WaitForApiKeyAsync("app-" + i, a => a.Status?.Phase == "Active", "is Active");
        }

        await Eventually.UntilAsync(async () => (await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.ApiKeys == 5, "the proxy counts every key");
        await WaitForQuietAsync(env);

        var before = env.Cluster.WriteCount;
        env.Operator.ResyncAll();
        await WaitForQuietAsync(env);

        env.Cluster.WriteCount.Should().Be(before, "a no-op reconcile writes nothing");
    }

    [Fact]
    public async Task Only_the_leader_writes_and_the_standby_takes_over_when_it_stops()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(startOperator: false);
        static void LeaderElect(Bastio.Operator.Configuration.OperatorOptions o) => o.LeaderElect = true;
        var first = await env.StartOperatorAsync(LeaderElect);
        await Eventually.UntilAsync(() => first.LeaderElector!.IsLeader, "the first replica leads");
        var second = await env.StartOperatorAsync(LeaderElect);
        second.Readiness.IsReady.Should().BeTrue("a standby with synced caches is ready to take over");

        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        second.LeaderElector!.IsLeader.Should().BeFalse();
        var leaderReconciles = ReconcileCount(first);
        ReconcileCount(second).Should().Be(0, "the standby does not reconcile");
        leaderReconciles.Should().BeGreaterThan(0);

        await env.StopOperatorAsync(first);
        await Eventually.UntilAsync(() => second.LeaderElector.IsLeader, "the standby takes over");

        await env.CreateApiKeyAsync("after-failover");
        await env.WaitForApiKeyAsync("after-failover", a => a.Status?.Phase == "Active", "is Active after the failover");
        ReconcileCount(second).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task New_active_encryption_key_re_encrypts_every_managed_secret()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        var apiKey = await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var key = await env.DeliveredKeyAsync("app-key");

        var kek = await env.Api.Secrets.GetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name);
        var rotated = EncryptionKeyRing.FromSecretData(kek.Data?.AsReadOnly()!).WithNewActiveVersion();
        kek.Data = rotated.ToSecretData();
        await env.Api.Secrets.ReplaceAsync(kek);

        await Eventually.UntilAsync(
            async () =>
            {
                var verifier = await env.Api.Secrets.GetAsync(SystemNs, ManagedObjectNames.VerifierSecret(Ns, "app"));
                return rotated.IsOnActiveVersion(Encoding.UTF8.GetString(verifier.Data![WellKnown.VerifierSecret.Current]));
            },
            "the verifier is re-encrypted under k2");
        rotated.Versions.Should().Contain("k1");
        (await env.KeyRingAsync()).Versions.Should().Contain("k1", "old versions stay while anything might use them");
        (await env.GatewayAcceptsAsync(apiKey, key!)).Should().BeTrue();
    }

    [Fact]
    public async Task Admin_endpoint_serves_health_readiness_and_the_operator_metrics()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };

        (await http.GetStringAsync("/healthz")).Should().Be("ok");
        (await http.GetStringAsync("/readyz")).Should().Be("ok");
        var metrics = await Eventually.UntilAsync(async () => await http.GetStringAsync("/metrics") is { } text && text.Contains("bastio_operator_keys{phase=\"Active\"} 1", StringComparison.Ordinal) ? text : null, "metrics count the active key");
        metrics.Should().Contain("bastio_operator_reconcile_total{controller=\"apikey\",result=\"success\"}")
            .And.Contain("bastio_operator_reconcile_duration_seconds_bucket")
            .And.Contain("bastio_operator_workqueue_depth{controller=\"apikey\"}");
    }

    [Fact]
    public async Task No_key_material_appears_in_logs_events_status_metrics_or_audit_lines()
    {
        const string providerKey = "sk-test-leakcheck-abcdef0123456789";
        await using var provider = await StubProvider.StartAsync("something-else");
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", providerKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        await env.CreateApiKeyAsync("app", s => s.Rotation = new() { Schedule = "0 3 * * *", GracePeriod = "1h" });
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        var first = await env.DeliveredKeyAsync("app-key");
        await env.UpdateApiKeyAsync("app", a => (a.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.RotateRequestedAtAnnotation] = "2026-11-22T06:00:00Z");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Version == 2, "rotated");
        var second = await env.DeliveredKeyAsync("app-key");
        await env.WaitForEventAsync("primary", "ValidationFailed");
        await env.UpdateApiKeyAsync("app", a => a.Spec.Revoked = true);
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Revoked", "is Revoked");

        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };
        var apiKeys = await env.Api.ApiKeys.ListAllAsync(Ns);
        var providerKeys = await env.Api.ProviderKeys.ListAllAsync(Ns);
        var surfaces = new List<string>();
        surfaces.AddRange(env.Logs.Lines);
        surfaces.AddRange(env.Audit.Lines());
        surfaces.AddRange((await env.EventsAsync()).Select(e => $"{e.Reason} {e.Note}"));
        surfaces.AddRange(apiKeys.Items.Select(a => System.Text.Json.JsonSerializer.Serialize(a, Bastio.Crds.BastioJsonContext.Default.ApiKey)));
        surfaces.AddRange(providerKeys.Items.Select(p => System.Text.Json.JsonSerializer.Serialize(p, Bastio.Crds.BastioJsonContext.Default.ProviderKey)));
        surfaces.Add(await http.GetStringAsync("/metrics"));

        var secrets = new[] { first!, second!, first![^38..], second![^38..], providerKey, providerKey[3..] };
        foreach (var surface in surfaces)
        {
            foreach (var secret in secrets)
            {
                surface.Should().NotContain(secret);
            }
        }

        surfaces.Should().Contain(s => s.Contains("Rotated", StringComparison.Ordinal), "the scan covers lifecycle output");
    }

    private static long ReconcileCount(Bastio.Operator.Hosting.OperatorHost host) => host.ReconcileCount;

    /// <summary>Idle: every queue empty and the cluster's write count stable for a moment.</summary>
    internal static async Task WaitForQuietAsync(OperatorTestEnvironment env)
    {
        var last = -1L;
        var stableSince = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(
            () =>
            {
                var now = env.Cluster.WriteCount;
                if (now != last || env.Operator.QueueDepth > 0 || env.Operator.InFlight > 0)
                {
                    last = now;
                    stableSince = DateTimeOffset.UtcNow;
                    return false;
                }

                return DateTimeOffset.UtcNow - stableSince > TimeSpan.FromSeconds(1);
            },
            "the operator is idle");
    }
}
