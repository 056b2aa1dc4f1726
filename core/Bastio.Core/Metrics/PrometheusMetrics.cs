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
/// Naming: see <see cref="PrometheusText"/>. Name instruments as the Prometheus series without the
/// counter suffix (counter <c>bastio_gateway_requests</c> is exposed as <c>bastio_gateway_requests_total</c>).
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
