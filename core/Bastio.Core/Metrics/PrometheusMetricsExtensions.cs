using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Bastio.Core.Metrics;

/// <summary>
/// How the operator and the gateway expose their meters: OpenTelemetry's Prometheus exporter, configured
/// once here so both components name, bucket and label their series alike (docs/monitoring.md).
/// Serve the scrape with the exporter's <c>app.MapPrometheusScrapingEndpoint()</c>.
/// </summary>
/// <remarks>
/// The exporter names a series after the instrument, plus the unit (<c>s</c> → <c>_seconds</c>) unless
/// the name holds it already, plus <c>_total</c> for counters unless the name ends with it. So name
/// instruments as the documented series without <c>_total</c>, and give durations the unit <c>s</c>.
/// </remarks>
public static class PrometheusMetricsExtensions
{
    /// <summary>Latency buckets in seconds, from half a millisecond (gateway overhead) to a minute (long completions).</summary>
    public static IReadOnlyList<double> LatencySecondsBoundaries { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>
    /// Registers an OpenTelemetry meter provider over <paramref name="meters"/> (wildcards as in
    /// <c>AddMeter</c>), read by the Prometheus exporter. <paramref name="serviceName"/> is the
    /// <c>service_name</c> of the <c>target_info</c> series.
    /// </summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, string serviceName, params string[] meters)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var boundaries = LatencySecondsBoundaries.ToArray();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(meters)

                // Every histogram is a latency in seconds; the SDK's default buckets are for milliseconds.
                .AddView(instrument => IsHistogram(instrument) ? new ExplicitBucketHistogramConfiguration { Boundaries = boundaries } : null)
                .AddPrometheusExporter(exporter =>
                {
                    // The series keep the labels they have always had: no otel_scope_* label on each one.
                    exporter.ScopeInfoEnabled = false;

                    // Each scrape collects afresh, so a scrape right after a change sees it.
                    exporter.ScrapeResponseCacheDurationMilliseconds = 0;
                }));
        return services;
    }

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Histogram<>);
}
