using System.Diagnostics.Metrics;
using Bastio.Crds;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Controllers.ApiKeys;

namespace Bastio.Operator.Metrics;

/// <summary>
/// The operator's metrics (DESIGN.md §6), on one <see cref="Meter"/> per process. Labels carry
/// controller names, results and phases only: never a key, a hash or a fingerprint.
/// </summary>
internal sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "Bastio.Operator";

    public static readonly ControllerMetricNames ControllerNames = new()
    {
        ReconcileTotal = "bastio_operator_reconcile_total",
        ReconcileDuration = "bastio_operator_reconcile_duration_seconds",
        WorkQueueDepth = "bastio_operator_workqueue_depth",
    };

    private readonly Counter<long> _rotations;
    private IInformer<ApiKey>? _apiKeys;

    public OperatorMetrics()
    {
        Meter = new Meter(MeterName);
        Controllers = new ControllerMetrics(Meter, ControllerNames);
        _rotations = Meter.CreateCounter<long>("bastio_operator_rotations_total", description: "ApiKey rotations by result (success, failure).");
        Meter.CreateObservableGauge("bastio_operator_keys", ObserveKeys, description: "ApiKeys by phase.");
    }

    public Meter Meter { get; }

    public ControllerMetrics Controllers { get; }

    /// <summary>Counts phases from the ApiKey cache at scrape time, so the gauge is never out of step with status.</summary>
    public void ObserveApiKeys(IInformer<ApiKey> apiKeys) => _apiKeys = apiKeys;

    public void RecordRotation(bool success) =>
        _rotations.Add(1, new KeyValuePair<string, object?>("result", success ? "success" : "failure"));

    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveKeys()
    {
        if (_apiKeys is not { HasSynced: true } apiKeys)
        {
            yield break;
        }

        var counts = ApiKeyConditions.Phases.All.ToDictionary(p => p, _ => 0L, StringComparer.Ordinal);
        foreach (var apiKey in apiKeys.Store.List())
        {
            var phase = apiKey.Status?.Phase ?? ApiKeyConditions.Phases.Pending;
            if (counts.ContainsKey(phase))
            {
                counts[phase]++;
            }
        }

        foreach (var (phase, count) in counts)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("phase", phase));
        }
    }
}
