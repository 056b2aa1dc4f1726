namespace Bastio.Core.Metrics;

/// <summary>Which meters a component exposes and how its histograms are bucketed.</summary>
public sealed class PrometheusMetricsOptions
{
    /// <summary>Latency buckets in seconds, from half a millisecond (gateway overhead) to a minute (long completions).</summary>
    public static IReadOnlyList<double> LatencySecondsBoundaries { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Names of the <see cref="System.Diagnostics.Metrics.Meter"/>s to expose (wildcards as in OpenTelemetry's <c>AddMeter</c>).</summary>
    public IList<string> Meters { get; } = [];

    /// <summary>Bucket upper bounds for histograms without an entry in <see cref="HistogramBoundaries"/>.</summary>
    public IReadOnlyList<double> DefaultHistogramBoundaries { get; set; } = LatencySecondsBoundaries;

    /// <summary>
    /// Most distinct label sets per instrument; further ones are folded into one series labelled
    /// <c>otel_metric_overflow="true"</c>. Null keeps OpenTelemetry's default of 2000. Raise it for
    /// series labelled by key id on a gateway with more keys; OpenTelemetry reserves the points up front.
    /// </summary>
    public int? CardinalityLimit { get; set; }

    /// <summary>Bucket upper bounds per instrument name, e.g. for a histogram of sizes rather than seconds.</summary>
    public IDictionary<string, IReadOnlyList<double>> HistogramBoundaries { get; } = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
}
