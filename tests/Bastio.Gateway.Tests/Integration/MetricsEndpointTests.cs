using System.Net;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>The admin port's <c>/metrics</c>, scraped as Prometheus does: the text format by default, OpenMetrics when asked.</summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Theory]
    [InlineData(false, "text/plain; version=0.0.4")]
    [InlineData(true, "application/openmetrics-text; version=1.0.0")]
    public async Task Metrics_are_served_in_the_negotiated_format_under_the_documented_names(bool openMetrics, string contentType)
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        using (var answered = await _env.ChatAsync(key))
        using (var refused = await _env.ChatAsync("bastio_sk_live_not-a-key"))
        {
            answered.StatusCode.Should().Be(HttpStatusCode.OK);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var scrape = await MetricsScrape.GetAsync(_env.Http, new Uri(_env.Gateway.AdminUrl, "metrics"), openMetrics);

        scrape.ContentType.Should().StartWith(contentType);
        if (openMetrics)
        {
            scrape.Text.Should().EndWith("\n# EOF\n");
        }

        var keyId = key.Substring("bastio_sk_live_".Length, 12);
        scrape.Value("bastio_gateway_requests_total", $"key_id=\"{keyId}\"", "code=\"200\"", "proxy=\"openai\"", "namespace=\"team-a\"").Should().Be(1);
        scrape.Value("bastio_gateway_rejections_total", "reason=\"invalid_api_key\"").Should().Be(1);
        scrape.Value("bastio_gateway_tokens_total", $"key_id=\"{keyId}\"", "kind=\"prompt\"").Should().BeGreaterThan(0);
        scrape.Value("bastio_gateway_overhead_seconds_count").Should().Be(2);
        scrape.Value("bastio_gateway_request_duration_seconds_count").Should().Be(2);
        scrape.Value("bastio_gateway_overhead_seconds_bucket", "le=\"+Inf\"").Should().Be(2);
        scrape.Value("bastio_gateway_config_keys").Should().Be(1);
        scrape.Value("bastio_gateway_config_age_seconds").Should().BeGreaterThanOrEqualTo(0);
        scrape.Value("bastio_gateway_store_up").Should().Be(1);
        scrape.Types.Should().ContainKey(openMetrics ? "bastio_gateway_watch_restarts" : "bastio_gateway_watch_restarts_total");
        scrape.Text.Should().NotContain("otel_scope_").And.NotContain(key, "a key never appears in a label");
        scrape.Value("target_info", "service_name=\"bastio-gateway\"").Should().Be(1);
    }
}
