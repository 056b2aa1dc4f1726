using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bastio.Gateway.Configuration;

namespace Bastio.Gateway.Observability;

/// <summary>
/// The gateway's instruments, named so OpenTelemetry's Prometheus exporter exposes the series
/// docs/reference/metrics.md#gateway lists: counters without <c>_total</c> (the exporter adds it), durations in
/// unit <c>s</c> with <c>_seconds</c> already in the name. Labels carry the public key id only.
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string DefaultMeterName = "Bastio.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _overhead;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _tokens;

    public GatewayMetrics(string meterName, ISnapshotProvider snapshots, TimeProvider time)
    {
        _meter = new Meter(meterName);
        _requests = _meter.CreateCounter<long>("bastio_gateway_requests", description: "Requests answered, by key, route and status code.");
        _duration = _meter.CreateHistogram<double>("bastio_gateway_request_duration_seconds", unit: "s", description: "Time from request arrival to the end of the answer.");
        _overhead = _meter.CreateHistogram<double>("bastio_gateway_overhead_seconds", unit: "s", description: "Time spent in the gateway itself, excluding the upstream.");
        _rejections = _meter.CreateCounter<long>("bastio_gateway_rejections", description: "Requests the gateway answered itself with an error, by reason.");
        _tokens = _meter.CreateCounter<long>("bastio_gateway_tokens", description: "Tokens reported by the provider, by key, model and kind.");
        _meter.CreateObservableGauge("bastio_gateway_config_keys", () => snapshots.Current?.KeyCount ?? 0, description: "API keys in the served configuration.");
        _meter.CreateObservableGauge("bastio_gateway_config_age_seconds",
            () => snapshots.LastConfirmedSync is { } synced ? Math.Max(0, (time.GetUtcNow() - synced).TotalSeconds) : double.NaN,
            unit: "s",
            description: "Seconds since the configuration was last confirmed current by the API server.");
        _meter.CreateObservableCounter("bastio_gateway_watch_restarts", () => snapshots.WatchRestarts, description: "Watches re-established after ending.");
    }

    public void RequestCompleted(in RequestRecord record)
    {
        var tags = new TagList
        {
            { "namespace", record.Namespace },
            { "proxy", record.Proxy },
            { "key_id", record.KeyId },
            { "route", record.Route },
            { "code", StatusCodes(record.Status) },
        };
        _requests.Add(1, tags);
        _duration.Record(record.Duration.TotalSeconds);
        _overhead.Record(record.Overhead.TotalSeconds);
        if (record.Reason is { } reason)
        {
            _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void TokensUsed(string ns, string proxy, string keyId, string model, long prompt, long completion)
    {
        var tags = new TagList { { "namespace", ns }, { "proxy", proxy }, { "key_id", keyId }, { "model", model }, { "kind", "prompt" } };
        _tokens.Add(prompt, tags);
        tags[4] = new KeyValuePair<string, object?>("kind", "completion");
        _tokens.Add(completion, tags);
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>Status codes as cached strings, so labelling a request allocates nothing.</summary>
    private static string StatusCodes(int status) => status is >= 100 and < 600 ? Codes[status - 100] : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] Codes = [.. Enumerable.Range(100, 500).Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
