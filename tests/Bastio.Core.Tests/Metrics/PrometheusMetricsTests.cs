using System.Diagnostics.Metrics;
using Bastio.Core.Metrics;
using Bastio.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Bastio.Core.Tests.Metrics;

/// <summary>The exporter as <see cref="PrometheusMetricsExtensions.AddPrometheusMetrics"/> configures it, scraped over HTTP.</summary>
public sealed class PrometheusMetricsTests : IAsyncLifetime
{
    private static readonly Uri Metrics = new("http://localhost/metrics");

    // A meter name of its own keeps parallel tests from seeing each other's instruments.
    private readonly Meter _meter = new($"Bastio.Tests.{Guid.NewGuid():N}");
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        (_app, _http) = await StartAsync(_meter.Name, app => { });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _meter.Dispose();
    }

    [Fact]
    public async Task Counters_get_one_total_suffix_help_and_cumulative_labelled_samples()
    {
        var requests = _meter.CreateCounter<long>("bastio_gateway_requests", description: "Requests answered.");
        requests.Add(2, new("proxy", "openai"), new("code", "200"));
        requests.Add(1, new("proxy", "openai"), new("code", "429"));
        _meter.CreateCounter<double>("bastio_operator_rotations_total").Add(1.5);

        var first = await ScrapeAsync();
        requests.Add(3, new("proxy", "openai"), new("code", "200"));
        var second = await ScrapeAsync();

        first.ContentType.Should().Be("text/plain; version=0.0.4; charset=utf-8");
        first.Types.Should().Contain("bastio_gateway_requests_total", "counter").And.Contain("bastio_operator_rotations_total", "counter");
        first.Help.Should().Contain("bastio_gateway_requests_total", "Requests answered.");
        first.Samples["bastio_gateway_requests_total{code=\"200\",proxy=\"openai\"}"].Should().Be(2);
        first.Samples["bastio_gateway_requests_total{code=\"429\",proxy=\"openai\"}"].Should().Be(1);
        first.Samples["bastio_operator_rotations_total"].Should().Be(1.5);
        second.Samples["bastio_gateway_requests_total{code=\"200\",proxy=\"openai\"}"].Should().Be(5, "temporality is cumulative and a scrape is never served from a cache");
    }

    [Fact]
    public async Task Gauges_and_up_down_counters_are_gauges_and_a_unit_in_the_name_is_not_repeated()
    {
        var depth = _meter.CreateUpDownCounter<long>("bastio_operator_workqueue_depth");
        depth.Add(5, new KeyValuePair<string, object?>("controller", "apikey"));
        depth.Add(-2, new KeyValuePair<string, object?>("controller", "apikey"));
        _meter.CreateObservableGauge("bastio_gateway_config_age_seconds", () => 12.5, unit: "s");
        _meter.CreateObservableGauge("bastio_gateway_config_keys", () => 42);

        var scrape = await ScrapeAsync();

        scrape.Types.Should().Contain("bastio_operator_workqueue_depth", "gauge")
            .And.Contain("bastio_gateway_config_age_seconds", "gauge")
            .And.Contain("bastio_gateway_config_keys", "gauge");
        scrape.Samples["bastio_operator_workqueue_depth{controller=\"apikey\"}"].Should().Be(3);
        scrape.Samples["bastio_gateway_config_age_seconds"].Should().Be(12.5);
        scrape.Samples["bastio_gateway_config_keys"].Should().Be(42);
    }

    [Fact]
    public async Task Histograms_have_the_documented_latency_buckets()
    {
        const string Name = "bastio_gateway_request_duration_seconds";
        var duration = _meter.CreateHistogram<double>(Name, unit: "s");
        duration.Record(0.0004, new KeyValuePair<string, object?>("route", "chat"));
        duration.Record(0.003, new KeyValuePair<string, object?>("route", "chat"));
        duration.Record(75, new KeyValuePair<string, object?>("route", "chat"));

        var scrape = await ScrapeAsync();

        scrape.Types.Should().Contain(Name, "histogram");
        scrape.Samples.Keys.Where(s => s.StartsWith(Name + "_bucket", StringComparison.Ordinal)).Select(Le).Should().Equal(
            "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf");
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"0.0005\"}}"].Should().Be(1);
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"0.005\"}}"].Should().Be(2);
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"60\"}}"].Should().Be(2);
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"+Inf\"}}"].Should().Be(3);
        scrape.Samples[$"{Name}_count{{route=\"chat\"}}"].Should().Be(3);
        scrape.Samples[$"{Name}_sum{{route=\"chat\"}}"].Should().BeApproximately(75.0034, 1e-9);
    }

    [Fact]
    public async Task Series_carry_only_their_own_labels_and_target_info_names_the_service()
    {
        _meter.CreateCounter<long>("bastio_operator_reconcile").Add(1, new KeyValuePair<string, object?>("controller", "apikey"));

        var scrape = await ScrapeAsync();

        scrape.Samples.Should().ContainKey("bastio_operator_reconcile_total{controller=\"apikey\"}");
        scrape.Text.Should().NotContain("otel_scope_", "the series keep the labels they had before the exporter");
        scrape.Samples.Keys.Should().ContainSingle(key => key.StartsWith("target_info{", StringComparison.Ordinal))
            .Which.Should().Contain("service_name=\"bastio-test\"");
    }

    [Fact]
    public async Task OpenMetrics_is_served_when_asked_for_and_ends_with_eof()
    {
        _meter.CreateCounter<long>("bastio_gateway_requests", description: "Requests answered.").Add(2, new KeyValuePair<string, object?>("code", "200"));
        _meter.CreateHistogram<double>("bastio_gateway_overhead_seconds", unit: "s").Record(0.003);

        var scrape = await ScrapeAsync(openMetrics: true);

        scrape.ContentType.Should().StartWith("application/openmetrics-text; version=1.0.0");
        scrape.Text.Should().EndWith("\n# EOF\n");
        scrape.Types.Should().Contain("bastio_gateway_requests", "counter", "an OpenMetrics counter family is named without _total")
            .And.Contain("bastio_gateway_overhead_seconds", "histogram");
        scrape.Units.Should().Contain("bastio_gateway_overhead_seconds", "seconds");
        scrape.Samples["bastio_gateway_requests_total{code=\"200\"}"].Should().Be(2, "its samples keep the name Prometheus stores");
        scrape.Samples["bastio_gateway_overhead_seconds_bucket{le=\"0.005\"}"].Should().Be(1);
        scrape.Text.Should().NotContain("otel_scope_");
    }

    [Fact]
    public async Task Label_values_and_help_are_escaped()
    {
        _meter.CreateCounter<long>("escapes", description: "line one\nback\\slash").Add(1, new KeyValuePair<string, object?>("model", "a\"b\\c\nd"));

        var scrape = await ScrapeAsync();

        scrape.Help["escapes_total"].Should().Be("line one\\nback\\\\slash");
        scrape.Samples["escapes_total{model=\"a\\\"b\\\\c\\nd\"}"].Should().Be(1);
    }

    [Fact]
    public async Task Instruments_of_other_meters_are_not_exposed()
    {
        using var other = new Meter($"Bastio.Tests.Other.{Guid.NewGuid():N}");
        other.CreateCounter<long>("not_mine").Add(1);
        _meter.CreateCounter<long>("mine").Add(1);

        var scrape = await ScrapeAsync();

        scrape.Samples.Should().ContainKey("mine_total");
        scrape.Text.Should().NotContain("not_mine");
    }

    [Fact]
    public async Task Label_sets_beyond_two_thousand_fold_into_an_overflow_series()
    {
        var counter = _meter.CreateCounter<long>("requests");
        for (var i = 0; i < 2010; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("key_id", $"k{i}"));
        }

        var scrape = await ScrapeAsync();

        var overflow = scrape.Samples["requests_total{otel_metric_overflow=\"true\"}"];
        scrape.Samples.Keys.Count(k => k.StartsWith("requests_total{key_id=", StringComparison.Ordinal)).Should().Be(2010 - (int)overflow);
        overflow.Should().BeGreaterThanOrEqualTo(10);
    }

    [Fact]
    public async Task Measurements_made_after_the_endpoint_is_mapped_and_before_the_host_starts_are_scraped()
    {
        using var meter = new Meter($"Bastio.Tests.Early.{Guid.NewGuid():N}");
        var (app, http) = await StartAsync(meter.Name, _ => meter.CreateCounter<long>("early").Add(4));
        await using (app)
        using (http)
        {
            (await MetricsScrape.GetAsync(http, Metrics)).Samples["early_total"].Should().Be(4);
        }
    }

    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(string meterName, Action<WebApplication> beforeStart)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddPrometheusMetrics("bastio-test", meterName);
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        beforeStart(app);
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    private Task<MetricsScrape> ScrapeAsync(bool openMetrics = false) => MetricsScrape.GetAsync(_http, Metrics, openMetrics);

    private static string Le(string series) => series[(series.IndexOf("le=\"", StringComparison.Ordinal) + 4)..series.LastIndexOf('"')];
}
