using System.Diagnostics.Metrics;
using System.Globalization;
using Bastio.Core.Metrics;

namespace Bastio.Core.Tests.Metrics;

public sealed class PrometheusMetricsTests : IDisposable
{
    // A meter name of its own keeps parallel tests from seeing each other's instruments.
    private readonly Meter _meter = new($"Bastio.Tests.{Guid.NewGuid():N}");
    private readonly PrometheusMetrics _metrics;

    public PrometheusMetricsTests()
    {
        var options = new PrometheusMetricsOptions();
        options.Meters.Add(_meter.Name);
        options.HistogramBoundaries["test_sizes_bytes"] = [100, 1000];
        _metrics = new PrometheusMetrics(options);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Counter_gets_total_suffix_help_type_and_cumulative_labelled_samples()
    {
        var requests = _meter.CreateCounter<long>("bastio_gateway_requests", description: "Requests answered.");
        requests.Add(2, new("proxy", "openai"), new("code", "200"));
        requests.Add(1, new("proxy", "openai"), new("code", "429"));

        var first = Parse(_metrics.Scrape());
        requests.Add(3, new("proxy", "openai"), new("code", "200"));
        var second = Parse(_metrics.Scrape());

        first.Types.Should().Contain("bastio_gateway_requests_total", "counter");
        first.Help.Should().Contain("bastio_gateway_requests_total", "Requests answered.");
        first.Samples["bastio_gateway_requests_total{code=\"200\",proxy=\"openai\"}"].Should().Be(2);
        first.Samples["bastio_gateway_requests_total{code=\"429\",proxy=\"openai\"}"].Should().Be(1);
        second.Samples["bastio_gateway_requests_total{code=\"200\",proxy=\"openai\"}"].Should().Be(5, "temporality is cumulative");
    }

    [Fact]
    public void Counter_already_ending_in_total_is_not_suffixed_twice()
    {
        _meter.CreateCounter<double>("bastio_operator_rotations_total").Add(1.5);

        Parse(_metrics.Scrape()).Samples.Should().Contain("bastio_operator_rotations_total", 1.5);
    }

    [Fact]
    public void Gauges_and_up_down_counters_are_gauges()
    {
        var depth = _meter.CreateUpDownCounter<long>("bastio_operator_workqueue_depth");
        depth.Add(5, new KeyValuePair<string, object?>("controller", "apikey"));
        depth.Add(-2, new KeyValuePair<string, object?>("controller", "apikey"));
        _meter.CreateObservableGauge("bastio_gateway_config_age_seconds", () => 12.5, unit: "s");
        _meter.CreateGauge<long>("bastio_gateway_config_keys").Record(42);

        var scrape = Parse(_metrics.Scrape());

        scrape.Types.Should().Contain("bastio_operator_workqueue_depth", "gauge")
            .And.Contain("bastio_gateway_config_age_seconds", "gauge")
            .And.Contain("bastio_gateway_config_keys", "gauge");
        scrape.Samples["bastio_operator_workqueue_depth{controller=\"apikey\"}"].Should().Be(3);
        scrape.Samples["bastio_gateway_config_age_seconds"].Should().Be(12.5);
        scrape.Samples["bastio_gateway_config_keys"].Should().Be(42);
    }

    [Fact]
    public void Histogram_has_cumulative_buckets_sum_and_count_with_default_latency_bounds()
    {
        var duration = _meter.CreateHistogram<double>("bastio_gateway_request_duration_seconds", unit: "s");
        duration.Record(0.0004, new KeyValuePair<string, object?>("route", "chat"));
        duration.Record(0.003, new KeyValuePair<string, object?>("route", "chat"));
        duration.Record(75, new KeyValuePair<string, object?>("route", "chat"));

        var scrape = Parse(_metrics.Scrape());
        const string Name = "bastio_gateway_request_duration_seconds";

        scrape.Types.Should().Contain(Name, "histogram");
        var buckets = scrape.Samples.Where(s => s.Key.StartsWith(Name + "_bucket", StringComparison.Ordinal)).ToList();
        buckets.Select(b => Le(b.Key)).Should().Equal(
            "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf");
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"0.0005\"}}"].Should().Be(1);
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"0.005\"}}"].Should().Be(2);
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"60\"}}"].Should().Be(2);
        scrape.Samples[$"{Name}_bucket{{route=\"chat\",le=\"+Inf\"}}"].Should().Be(3);
        scrape.Samples[$"{Name}_count{{route=\"chat\"}}"].Should().Be(3);
        scrape.Samples[$"{Name}_sum{{route=\"chat\"}}"].Should().BeApproximately(75.0034, 1e-9);
    }

    [Fact]
    public void Histogram_bounds_are_configurable_per_instrument()
    {
        _meter.CreateHistogram<long>("test_sizes_bytes", unit: "By").Record(500);

        var scrape = Parse(_metrics.Scrape());

        scrape.Samples.Keys.Where(k => k.StartsWith("test_sizes_bytes_bucket", StringComparison.Ordinal))
            .Should().Equal("test_sizes_bytes_bucket{le=\"100\"}", "test_sizes_bytes_bucket{le=\"1000\"}", "test_sizes_bytes_bucket{le=\"+Inf\"}");
        scrape.Samples["test_sizes_bytes_bucket{le=\"1000\"}"].Should().Be(1);
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        _meter.CreateCounter<long>("escapes", description: "line one\nback\\slash").Add(1, new KeyValuePair<string, object?>("model", "a\"b\\c\nd"));

        var text = _metrics.Scrape();

        text.Should().Contain("# HELP escapes_total line one\\nback\\\\slash\n");
        text.Should().Contain("escapes_total{model=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    [Theory]
    [InlineData("bastio_gateway_requests", null, true, "bastio_gateway_requests_total")]
    [InlineData("bastio_gateway_requests_total", null, true, "bastio_gateway_requests_total")]
    [InlineData("bastio_gateway_overhead_seconds", "s", false, "bastio_gateway_overhead_seconds")]
    [InlineData("bastio_gateway_overhead", "s", false, "bastio_gateway_overhead_seconds")]
    [InlineData("payload", "By", true, "payload_bytes_total")]
    [InlineData("bastio.gateway-requests", "{request}", true, "bastio_gateway_requests_total")]
    [InlineData("9lives", "1", false, "_lives")]
    public void Naming_rule(string instrument, string? unit, bool counter, string expected) =>
        PrometheusText.MetricName(instrument, unit, counter).Should().Be(expected);

    [Fact]
    public void Instruments_of_other_meters_are_not_exposed()
    {
        using var other = new Meter($"Bastio.Tests.Other.{Guid.NewGuid():N}");
        other.CreateCounter<long>("not_mine").Add(1);
        _meter.CreateCounter<long>("mine").Add(1);

        var text = _metrics.Scrape();

        text.Should().Contain("mine_total 1").And.NotContain("not_mine");
    }

    [Fact]
    public void Label_sets_beyond_the_cardinality_limit_fold_into_an_overflow_series()
    {
        using var meter = new Meter($"Bastio.Tests.Cardinality.{Guid.NewGuid():N}");
        var options = new PrometheusMetricsOptions { CardinalityLimit = 3 };
        options.Meters.Add(meter.Name);
        using var metrics = new PrometheusMetrics(options);
        var counter = meter.CreateCounter<long>("requests");
        for (var i = 0; i < 10; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("key_id", $"k{i}"));
        }

        var samples = Parse(metrics.Scrape()).Samples;

        samples.Keys.Count(k => k.Contains("key_id", StringComparison.Ordinal)).Should().Be(3);
        samples["requests_total{otel_metric_overflow=\"true\"}"].Should().Be(7);
    }

    private static string Le(string series) => series[(series.IndexOf("le=\"", StringComparison.Ordinal) + 4)..series.LastIndexOf('"')];

    /// <summary>A strict reader for the subset of the format we write: every line is a comment or a sample.</summary>
    internal static Scrape Parse(string text)
    {
        text.Should().EndWith("\n");
        var scrape = new Scrape();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                parts.Should().HaveCount(4, line);
                scrape.Types.Add(parts[2], parts[3]);
            }
            else if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                scrape.Help.Add(rest[..space], rest[(space + 1)..]);
            }
            else
            {
                var space = line.LastIndexOf(' ');
                line.Should().MatchRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$");
                scrape.Samples.Add(line[..space], double.Parse(line[(space + 1)..].Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
            }
        }

        return scrape;
    }

    internal sealed class Scrape
    {
        public Dictionary<string, string> Types { get; } = [];

        public Dictionary<string, string> Help { get; } = [];

        public Dictionary<string, double> Samples { get; } = [];
    }
}
