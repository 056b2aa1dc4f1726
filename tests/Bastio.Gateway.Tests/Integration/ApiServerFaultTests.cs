using System.Diagnostics;
using System.Net;
using Bastio.Gateway.Hosting;
using Bastio.Gateway.Tests.Infrastructure;
using Bastio.Kubernetes.Runtime.Informers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>API-server loss, 410 relists and the staleness limit.</summary>
public sealed class ApiServerFaultTests
{
    [Fact]
    public async Task When_the_api_server_is_gone_the_gateway_keeps_serving_its_last_snapshot_and_catches_up_afterwards()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var (_, doomed) = await env.CreateApiKeyAsync("doomed", "openai");

        env.Cluster.Faults.Unavailable = true;
        env.Cluster.Faults.DropWatches();
        using (var during = await env.ChatAsync(key))
        {
            during.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await env.Http.GetAsync(new Uri(env.Gateway.AdminUrl, "readyz"))).StatusCode.Should().Be(HttpStatusCode.OK, "staleness is below the limit");

        env.Cluster.Faults.Unavailable = false;
        await env.PatchApiKeyAsync("doomed", """{"revoked": true}""");
        await Eventually.UntilAsync(async () => (await env.ChatAsync(doomed)).StatusCode == HttpStatusCode.Unauthorized, "the revocation made after the outage is seen");
        (await env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_a_long_outage_a_change_made_as_the_api_server_returns_is_served_within_2_seconds()
    {
        // The production watch settings: their retry delays through the outage decide how soon the gateway reconnects.
        await using var env = await GatewayTestEnvironment.StartAsync(configureServices: services => services.RemoveAll<InformerOptions>());
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");

        // What a change takes to be served on this (possibly loaded) machine without an outage: the 2 s are on top of it.
        var baseline = await TimeUntilServedAsync(env, key, "disabled_api_key", () => env.PatchApiKeyAsync("app", """{"disabled": true}"""));

        // Long enough for an exponential backoff from 0.8 s to reach several seconds between attempts.
        env.Cluster.Faults.Unavailable = true;
        await Task.Delay(TimeSpan.FromSeconds(12));
        env.Cluster.Faults.Unavailable = false;
        var afterOutage = await TimeUntilServedAsync(env, key, "revoked_api_key", () => env.PatchApiKeyAsync("app", """{"revoked": true}"""));

        afterOutage.Should().BeLessThan(baseline + TimeSpan.FromSeconds(2), "the gateway reconnects at most a second apart while the API server is unreachable (a change took {0} without an outage)", baseline);
    }

    private static async Task<TimeSpan> TimeUntilServedAsync(GatewayTestEnvironment env, string key, string code, Func<Task> change)
    {
        var started = Stopwatch.StartNew();
        await change();
        await Eventually.UntilAsync(async () =>
        {
            using var response = await env.ChatAsync(key);
            return response.StatusCode == HttpStatusCode.Unauthorized && (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString() == code;
        }, $"the change to {code} is served");
        return started.Elapsed;
    }

    [Fact]
    public async Task After_410_Gone_the_gateway_relists_and_sees_changes_made_meanwhile()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var restartsBefore = env.Gateway.Snapshots.WatchRestarts;

        env.Cluster.Faults.StallWatches();
        await env.PatchApiKeyAsync("app", """{"disabled": true}""");
        env.Cluster.Faults.CompactHistory();
        env.Cluster.Faults.ExpireNextWatches(8);
        env.Cluster.Faults.ResumeWatches();
        env.Cluster.Faults.DropWatches();

        await Eventually.UntilAsync(async () =>
        {
            using var response = await env.ChatAsync(key);
            return response.StatusCode == HttpStatusCode.Unauthorized
                && (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString() == "disabled_api_key";
        }, "the change made while the watch was stalled is seen after the relist");
        env.Gateway.Snapshots.WatchRestarts.Should().BeGreaterThan(restartsBefore);
    }

    [Fact]
    public async Task After_max_staleness_without_sync_the_gateway_fails_closed_and_recovers_when_the_api_server_returns()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.MaxStaleness = TimeSpan.FromSeconds(3));
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var readyz = new Uri(env.Gateway.AdminUrl, "readyz");

        env.Cluster.Faults.Unavailable = true;
        env.Cluster.Faults.DropWatches();
        await Eventually.UntilAsync(async () =>
        {
            using var response = await env.ChatAsync(key);
            return response.StatusCode == HttpStatusCode.ServiceUnavailable
                && (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString() == "gateway_not_ready";
        }, "the gateway refuses traffic once its configuration is too stale");
        (await env.Http.GetAsync(readyz)).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        env.Stub.ClearRequests();
        (await env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        env.Stub.Requests.Should().BeEmpty("a stale gateway forwards nothing");

        env.Cluster.Faults.Unavailable = false;
        await Eventually.UntilAsync(async () => (await env.ChatAsync(key)).StatusCode == HttpStatusCode.OK, "the gateway serves again after resyncing");
        (await env.Http.GetAsync(readyz)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Before_the_first_sync_the_gateway_answers_gateway_not_ready_and_readyz_is_503()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var options = new GatewayOptions
        {
            Kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-unreachable-{Guid.NewGuid():N}.yaml"),
            Address = "127.0.0.1",
            Port = 0,
            AdminPort = 0,
        };
        env.Cluster.Faults.Unavailable = true;
        await env.Cluster.WriteKubeconfigAsync(options.Kubeconfig);
        await using var unsynced = await GatewayHost.StartAsync(options, services => services
            .AddKeyedSingleton(GatewayServiceKeys.AccessLog, TextWriter.Null)
            .AddKeyedSingleton(GatewayServiceKeys.MeterName, $"Bastio.Gateway.Tests.{Guid.NewGuid():N}"));
        using var http = new HttpClient { BaseAddress = unsynced.Url };

        using var response = await http.PostAsync("/v1/chat/completions", new StringContent("{}"));
        using var readyz = await http.GetAsync(new Uri(unsynced.AdminUrl, "readyz"));
        using var healthz = await http.GetAsync(new Uri(unsynced.AdminUrl, "healthz"));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("gateway_not_ready");
        readyz.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        healthz.StatusCode.Should().Be(HttpStatusCode.OK);
        File.Delete(options.Kubeconfig);
    }
}
