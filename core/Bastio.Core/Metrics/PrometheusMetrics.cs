using System.Diagnostics.Metrics;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Bastio.Core.Metrics;

/// <summary>
/// An OpenTelemetry <see cref="MeterProvider"/> read on demand: each <see cref="Scrape"/> collects
/// cumulative values and renders them as Prometheus text. This stands in for the OpenTelemetry
/// Prometheus exporter, which is not in the package source.
/// </summary>
/// <remarks>
/// Naming rule, so instruments can be named exactly as docs/reference/metrics.md lists the series:
/// <list type="number">
/// <item>the instrument name, with characters outside <c>[a-zA-Z0-9_:]</c> replaced by <c>_</c>;</item>
/// <item>plus <c>_seconds</c>, <c>_milliseconds</c> or <c>_bytes</c> when the unit is <c>s</c>, <c>ms</c> or
/// <c>By</c> and the name does not already end with it (other units, like <c>1</c> or <c>{request}</c>, add nothing);</item>
/// <item>plus <c>_total</c> for counters, unless the name already ends with it.</item>
/// </list>
/// So counter <c>bastio_gateway_requests</c> is <c>bastio_gateway_requests_total</c>, and histogram
/// <c>bastio_gateway_request_duration_seconds</c> with unit <c>s</c> keeps its name. Up-down counters
/// and gauges are Prometheus gauges; histograms use explicit buckets
/// (<see cref="PrometheusMetricsOptions.LatencySecondsBoundaries"/> unless configured). Values are cumulative.
/// </remarks>
public sealed class PrometheusMetrics : IPrometheusScraper, IDisposable
{
    private readonly Lock _scrapeLock = new();
    private readonly ScrapeExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;

    public PrometheusMetrics(PrometheusMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        var defaultBoundaries = options.DefaultHistogramBoundaries.ToArray();
        var boundaries = options.HistogramBoundaries.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter([.. options.Meters])
            .AddView(instrument => IsHistogram(instrument)
                ? new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = boundaries.GetValueOrDefault(instrument.Name, defaultBoundaries),
                    CardinalityLimit = options.CardinalityLimit,
                }
                : new MetricStreamConfiguration { CardinalityLimit = options.CardinalityLimit })
            .AddReader(_reader)
            .Build();
    }

    public string Scrape()
    {
        // One collection at a time: the exporter renders into a single buffer while Collect runs.
        lock (_scrapeLock)
        {
            _exporter.Output.Clear();
            _reader.Collect();
            return _exporter.Output.ToString();
        }
    }

    public void Dispose() => _provider.Dispose();

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Histogram<>);

    /// <summary>Renders during <c>Collect</c>: the batch's metric points are only valid inside <see cref="Export"/>.</summary>
    private sealed class ScrapeExporter : BaseExporter<Metric>
    {
        public StringBuilder Output { get; } = new();

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                PrometheusText.Write(Output, metric);
            }

            return ExportResult.Success;
        }
    }
}
