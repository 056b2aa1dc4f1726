using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

/// <summary>
/// Every metric the chart's alerts and dashboard read must be one the operator and the gateway
/// really export: checked against a scrape of both running against the test cluster, not a list.
/// </summary>
public sealed class ExportedMetricsTests(RunningComponents components) : IClassFixture<RunningComponents>
{
    [Fact]
    public async Task Alert_expressions_parse_and_read_only_scraped_metrics()
    {
        var alerts = await MonitoringTests.AlertsAsync();

        var parsed = await PromQl.ParseAsync(alerts.Select(alert => alert.Expression).ToList());

        foreach (var (query, alert) in parsed.Zip(alerts.Select(alert => alert.Alert)))
        {
            query.Errors.Should().BeEmpty($"{alert}: {query.Expression}");
            query.Metrics.Should().NotBeEmpty(alert);
            query.Metrics.Should().OnlyContain(metric => components.Both.Exports(metric), $"{alert} reads only metrics the components export");
        }
    }

    [Fact]
    public async Task Dashboard_queries_parse_and_read_only_scraped_metrics()
    {
        var panels = MonitoringTests.Panels(await MonitoringTests.DashboardAsync()).ToList();

        // Grafana replaces $__rate_interval before Prometheus sees the query.
        var parsed = await PromQl.ParseAsync(panels.Select(panel => panel.Expression.Replace("$__rate_interval", "5m", StringComparison.Ordinal)).ToList());

        foreach (var (query, title) in parsed.Zip(panels.Select(panel => panel.Title)))
        {
            query.Errors.Should().BeEmpty($"{title}: {query.Expression}");
            query.Metrics.Should().NotBeEmpty(title);
            query.Metrics.Should().OnlyContain(metric => components.Both.Exports(metric), $"panel {title} reads only metrics the components export");
        }
    }

    [Fact]
    public void Each_component_exports_its_own_metrics_under_its_prefix()
    {
        // Guards the check itself: an empty or mixed-up scrape would make the tests above pass vacuously.
        components.Operator.Series.Should().Contain(["bastio_operator_keys", "bastio_operator_rotations_total", "bastio_operator_apikey_expiry_timestamp_seconds", "bastio_operator_provider_keys"])
            .And.OnlyContain(name => !name.StartsWith("bastio_gateway_", StringComparison.Ordinal));
        components.Gateway.Series.Should().Contain(["bastio_gateway_requests_total", "bastio_gateway_tokens_total", "bastio_gateway_rejections_total"])
            .And.OnlyContain(name => !name.StartsWith("bastio_operator_", StringComparison.Ordinal));
        components.Gateway.Histograms.Should().Contain("bastio_gateway_overhead_seconds");
        components.Operator.Histograms.Should().Contain("bastio_operator_reconcile_duration_seconds");
    }

    [Fact]
    public void The_text_format_exports_the_same_metrics_as_OpenMetrics()
    {
        // The alerts are checked against OpenMetrics, which Prometheus asks for first; a scraper asking
        // for the text format must find the same series (OpenMetrics adds only the _created timestamps).
        foreach (var (openMetrics, text) in new[] { (components.Operator, components.OperatorText), (components.Gateway, components.GatewayText) })
        {
            openMetrics.Series.Where(name => !name.EndsWith("_created", StringComparison.Ordinal)).Should().BeEquivalentTo(text.Series);
            openMetrics.Histograms.Should().BeEquivalentTo(text.Histograms).And.NotBeEmpty();
        }
    }

    [Fact]
    public void Histogram_series_map_to_their_family_and_nothing_else()
    {
        var scrape = Scrape.Parse("""
            # TYPE a_seconds histogram
            a_seconds_bucket{le="1"} 1
            a_seconds_sum 1
            a_seconds_count 1
            # TYPE b_total counter
            b_total{x="y"} 3
            """);

        scrape.Exports("a_seconds_bucket").Should().BeTrue();
        scrape.Exports("a_seconds_count").Should().BeTrue();
        scrape.Exports("b_total").Should().BeTrue();
        scrape.Exports("b_total_count").Should().BeFalse("only histograms have _count series");
        scrape.Exports("c").Should().BeFalse();
    }
}
