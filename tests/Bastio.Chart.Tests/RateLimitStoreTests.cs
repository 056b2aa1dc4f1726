using System.Text.Json.Nodes;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

/// <summary>The gateway's rate-limit store in the chart: shared Redis by default, never per-replica limits by surprise.</summary>
public sealed class RateLimitStoreTests
{
    private static List<string> Args(RenderedChart chart) =>
        chart.Single("Deployment", "bastio-gateway")["spec.template.spec.containers"]!.AsArray().Single()!["args"]!.AsArray().Select(arg => (string)arg!).ToList();

    [Fact]
    public async Task Default_shares_limits_through_a_small_persistent_redis_the_chart_deploys()
    {
        var chart = await Helm.Default;

        Args(chart).Should().Contain(["--redis=bastio-redis:6379", "--store-timeout=100ms", "--store-failure=local"]);
        var redis = chart.Single("StatefulSet", "bastio-redis");
        var args = redis["spec.template.spec.containers"]!.AsArray().Single()!["args"]!.AsArray().Select(arg => (string)arg!).ToList();
        args.Should().ContainInOrder("--appendonly", "yes").And.ContainInOrder("--maxmemory-policy", "noeviction");
        ((string?)redis["spec.volumeClaimTemplates"]!.AsArray().Single()!["spec"]!["resources"]!["requests"]!["storage"]).Should().Be("1Gi");
        chart.Single("Service", "bastio-redis").Should().NotBeNull();
    }

    [Fact]
    public async Task An_existing_redis_gets_its_address_password_file_and_ca_and_no_redis_is_deployed()
    {
        var chart = await Helm.AllFeatures;

        Args(chart).Should().Contain([
            "--redis=redis.cache.svc:6380,ssl=true", "--store-timeout=50ms", "--store-failure=deny",
            "--redis-password-file=/etc/bastio/redis/password", "--redis-ca-file=/etc/bastio/redis-ca/ca.crt"]);
        chart.OfKind("StatefulSet").Should().BeEmpty();
        var volumes = chart.Single("Deployment", "bastio-gateway")["spec.template.spec.volumes"]!.AsArray();
        volumes.Select(volume => (string?)volume!["secret"]?["secretName"]).Should().Contain(["bastio-redis", "redis-ca"]);
    }

    [Theory]
    [InlineData("gateway.replicas=2")]
    [InlineData("gateway.autoscaling.enabled=true")]
    public async Task Several_replicas_with_the_in_process_store_refuse_to_render_saying_why(string several)
    {
        var result = await Helm.TryTemplateAsync("--set", "gateway.rateLimitStore.type=inProcess", "--set", "gateway.replicas=1", "--set", several);

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("per replica").And.Contain("gateway.rateLimitStore.acceptPerReplicaLimits=true");
    }

    [Fact]
    public async Task Per_replica_limits_render_once_accepted_and_one_replica_needs_no_acceptance()
    {
        var accepted = await Helm.TemplateAsync("--set", "gateway.rateLimitStore.type=inProcess", "--set", "gateway.rateLimitStore.acceptPerReplicaLimits=true");
        var single = await Helm.TemplateAsync("--set", "gateway.rateLimitStore.type=inProcess", "--set", "gateway.replicas=1");

        foreach (var chart in new[] { accepted, single })
        {
            Args(chart).Should().NotContain(arg => arg.StartsWith("--redis", StringComparison.Ordinal));
            chart.OfKind("StatefulSet").Should().BeEmpty();
        }
    }
}
