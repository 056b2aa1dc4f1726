using System.Diagnostics.Metrics;

namespace Bastio.Gateway.Limits;

/// <summary>The store's health and the budget alerts, on the gateway's meter name so <c>/metrics</c> serves them.</summary>
internal sealed class LimitsMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _storeFailures;
    private readonly Counter<long> _thresholds;
    private readonly Counter<long> _unpriced;

    public LimitsMetrics(string meterName, Func<bool> storeUp)
    {
        _meter = new Meter(meterName);
        _storeFailures = _meter.CreateCounter<long>("bastio_gateway_store_failures", description: "Decisions and charges the shared rate-limit store did not answer within the decision budget, by operation and the --store-failure mode applied.");
        _thresholds = _meter.CreateCounter<long>("bastio_gateway_budget_thresholds", description: "Budget alert thresholds crossed, once per key, threshold and period.");
        _unpriced = _meter.CreateCounter<long>("bastio_gateway_unpriced_requests", description: "Responses for models the Proxy's spec.pricing does not price: counted, not costed.");
        _meter.CreateObservableGauge("bastio_gateway_store_up", () => storeUp() ? 1 : 0, description: "1 while the shared rate-limit store is connected (always 1 for the in-process store).");
    }

    public void StoreFailed(string operation, StoreFailureMode mode) =>
        _storeFailures.Add(1, new("operation", operation), new("mode", mode == StoreFailureMode.Deny ? "deny" : "local"));

    public void ThresholdCrossed(string ns, string apiKey, int percent) =>
        _thresholds.Add(1, new("namespace", ns), new("apikey", apiKey), new("threshold", percent));

    public void Unpriced(string ns, string proxy, string model) =>
        _unpriced.Add(1, new("namespace", ns), new("proxy", proxy), new("model", model));

    public void Dispose() => _meter.Dispose();
}
