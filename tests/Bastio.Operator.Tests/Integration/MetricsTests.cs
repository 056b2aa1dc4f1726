using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>The gauges behind the expiry and provider-key alerts, read from the admin endpoint as Prometheus would.</summary>
public sealed class MetricsTests
{
    private const string ExpiryGauge = "bastio_operator_apikey_expiry_timestamp_seconds";
    private const string ProviderKeysGauge = "bastio_operator_provider_keys";
    private const string GoodKey = "sk-test-metrics-good-0123456789";

    [Fact]
    public async Task Expiry_gauge_carries_each_active_expiring_key_and_drops_it_when_it_stops_being_active()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(3);
        expiresAt = expiresAt.AddTicks(-(expiresAt.Ticks % TimeSpan.TicksPerSecond));
        await env.CreateApiKeyAsync("expiring", s => s.ExpiresAt = expiresAt);
        await env.CreateApiKeyAsync("forever");
        var expiring = await env.WaitForApiKeyAsync("expiring", a => a.Status?.Phase == "Active", "is Active");
        await env.WaitForApiKeyAsync("forever", a => a.Status?.Phase == "Active", "is Active");
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };

        var scrape = await Eventually.UntilAsync(async () => await ScrapeAsync(http) is { } s && s.Value(ExpiryGauge, "name=\"expiring\"") is not null ? s : null, "the expiring key is exported");
        scrape.Value(ExpiryGauge, "name=\"expiring\"", "namespace=\"team-a\"", $"key_id=\"{expiring.Status!.KeyId}\"").Should().BeApproximately(expiresAt.ToUnixTimeSeconds(), 0.001);
        scrape.Value(ExpiryGauge, "name=\"forever\"").Should().BeNull("a key without expiresAt never expires");

        await env.UpdateApiKeyAsync("expiring", a => a.Spec.Disabled = true);
        await env.WaitForApiKeyAsync("expiring", a => a.Status?.Phase == "Disabled", "is Disabled");
        await Eventually.UntilAsync(async () => (await ScrapeAsync(http)).Value(ExpiryGauge, "name=\"expiring\"") is null, "a key that is not Active leaves the gauge");
    }

    [Fact]
    public async Task Provider_key_gauge_counts_by_phase_and_validation()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "good", GoodKey);
        await ProviderKeyTests.CreateSourceAsync(env, "bad", "sk-test-metrics-bad-9876543210");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "good");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "refused", "bad");
        await Eventually.UntilAsync(
            async () => (await env.Api.ProviderKeys.ListAllAsync(OperatorTestEnvironment.Namespace)).Items.All(p => Conditions.Find(p.Status?.Conditions, "Validated")?.Status is "True" or "False"),
            "both keys were validated");
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };

        await Eventually.UntilAsync(
            async () =>
            {
                var scrape = await ScrapeAsync(http);
                return scrape.Value(ProviderKeysGauge, "validated=\"True\"", "phase=\"Active\"") == 1 && scrape.Value(ProviderKeysGauge, "validated=\"False\"") == 1;
            },
            "one validated and one refused ProviderKey are counted");
    }

    [Theory]
    [InlineData(false, "text/plain; version=0.0.4")]
    [InlineData(true, "application/openmetrics-text; version=1.0.0")]
    public async Task Metrics_are_served_in_the_negotiated_format_under_the_documented_names(bool openMetrics, string contentType)
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");
        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is Active");
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };

        var scrape = await Eventually.UntilAsync(
            async () => await MetricsScrape.GetAsync(http, new Uri("/metrics", UriKind.Relative), openMetrics) is { } s && s.Value("bastio_operator_keys", "phase=\"Active\"") == 1 ? s : null,
            "the active key is counted");

        scrape.ContentType.Should().StartWith(contentType);
        if (openMetrics)
        {
            scrape.Text.Should().EndWith("\n# EOF\n");
        }

        scrape.Value("bastio_operator_reconcile_total", "controller=\"apikey\"", "result=\"success\"").Should().BeGreaterThan(0);
        scrape.Value("bastio_operator_reconcile_duration_seconds_bucket", "controller=\"apikey\"", "le=\"+Inf\"").Should().BeGreaterThan(0);
        scrape.Value("bastio_operator_workqueue_depth", "controller=\"apikey\"").Should().NotBeNull();
        scrape.Value("bastio_operator_encryption_key_missing").Should().Be(0);
        scrape.Text.Should().NotContain("otel_scope_");
        scrape.Value("target_info", "service_name=\"bastio-operator\"").Should().Be(1);
    }

    private static Task<MetricsScrape> ScrapeAsync(HttpClient http) => MetricsScrape.GetAsync(http, new Uri("/metrics", UriKind.Relative));
}
