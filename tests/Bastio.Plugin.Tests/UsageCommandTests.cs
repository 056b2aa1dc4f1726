using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Plugin.Tests.Infrastructure;

namespace Bastio.Plugin.Tests;

/// <summary><c>kubectl bastio usage</c> and the limit lines of <c>keys show</c>, from what the gateway writes into <c>status.usage</c>.</summary>
public sealed class UsageCommandTests : IAsyncLifetime
{
    private PluginCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PluginCluster.StartAsync("team-a");
        var apiKeys = _cluster.Client.ApiKeys();
        await apiKeys.CreateAsync(new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "reporting", NamespaceProperty = "team-a" },
            Spec = new ApiKeySpec
            {
                ProxyRef = new LocalObjectReference { Name = "openai" },
                TokenLimit = new TokenLimit { Tokens = 200_000, Period = "minute" },
                Budget = new Budget { Amount = "25", Period = "month", AlertThresholds = [80, 50] },
            },
        });
        await apiKeys.PatchAsync("team-a", "reporting", PatchType.Merge,
            """{"status":{"usage":{"periodStart":"2026-12-01T00:00:00Z","tokens":123456,"cost":"20.5","budgetUsedPercent":82,"unpricedRequests":3,"updatedAt":"2026-12-03T10:00:00Z"}}}""", status: true);
        await apiKeys.CreateAsync(new ApiKey { Metadata = new V1ObjectMeta { Name = "quiet", NamespaceProperty = "team-a" }, Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" } } });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Usage_lists_tokens_cost_and_budget_used_per_key_and_never_reported_keys_as_such()
    {
        var (code, output, _) = await _cluster.RunAsync("usage", "-n", "team-a");

        code.Should().Be(0);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("NAME").And.Contain("TOKENS").And.Contain("COST").And.Contain("BUDGET").And.Contain("USED");
        lines.Should().Contain(line => line.StartsWith("quiet", StringComparison.Ordinal) && line.Contains("never", StringComparison.Ordinal));
        var reporting = lines.Single(line => line.StartsWith("reporting", StringComparison.Ordinal));
        reporting.Should().Contain("2026-12-01").And.Contain("123,456").And.Contain("$20.5").And.Contain("$25/month").And.Contain("82%").And.Contain("200,000 tokens/minute");
    }

    [Fact]
    public async Task Keys_show_has_the_token_limit_budget_and_this_periods_use()
    {
        var (code, output, _) = await _cluster.RunAsync("keys", "show", "reporting", "-n", "team-a");

        code.Should().Be(0);
        output.Should().Contain("200,000 tokens/minute").And.Contain("$25/month, alerts at 50%, 80%")
            .And.Contain("123,456 tokens, $20.5 (82% of budget), 3 unpriced requests since 2026-12-01");
    }

    [Fact]
    public async Task Usage_of_an_unknown_key_is_not_found()
    {
        var (code, _, error) = await _cluster.RunAsync("usage", "nope", "-n", "team-a");

        code.Should().NotBe(0);
        error.Should().Contain("nope");
    }
}
