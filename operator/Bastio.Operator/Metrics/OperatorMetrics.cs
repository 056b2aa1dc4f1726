using System.Diagnostics.Metrics;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.ProviderKeys;

namespace Bastio.Operator.Metrics;

/// <summary>
/// The operator's metrics (docs/reference/metrics.md#operator), exposed by OpenTelemetry's Prometheus exporter, on one <see cref="Meter"/> per process. Labels carry
/// controller names, results, phases and public key identities (namespace, name, <c>key_id</c>) only:
/// never a key, a hash or a fingerprint. Gauges are computed from the informer caches at scrape time:
/// a scrape makes no API call and never disagrees with the cached status.
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
    private IInformer<ProviderKey>? _providerKeys;
    private int _encryptionKeyMissing;

    /// <param name="meterName">
    /// <see cref="MeterName"/> in production. Hosts that share a process (tests) each take their own name,
    /// because an OpenTelemetry meter provider listens to every meter of a name in the process.
    /// </param>
    public OperatorMetrics(string meterName = MeterName)
    {
        Meter = new Meter(meterName);
        Controllers = new ControllerMetrics(Meter, ControllerNames);
        _rotations = Meter.CreateCounter<long>("bastio_operator_rotations_total", description: "ApiKey rotations by result (success, failure).");
        Meter.CreateObservableGauge("bastio_operator_keys", ObserveKeys, description: "ApiKeys by phase.");
        Meter.CreateObservableGauge("bastio_operator_apikey_expiry_timestamp_seconds", ObserveExpiries, unit: "s", description: "When each Active ApiKey with spec.expiresAt expires (Unix time).");
        Meter.CreateObservableGauge("bastio_operator_provider_keys", ObserveProviderKeys, description: "ProviderKeys by phase and Validated condition status.");
        Meter.CreateObservableGauge("bastio_operator_encryption_key_missing", () => Volatile.Read(ref _encryptionKeyMissing), description: "1 while ApiKey verifiers are encrypted under a key the encryption-key Secret does not hold (or the Secret is gone and cannot be restored), else 0.");
    }

    public Meter Meter { get; }

    public ControllerMetrics Controllers { get; }

    /// <summary>Counts phases from the ApiKey cache at scrape time, so the gauge is never out of step with status.</summary>
    public void ObserveApiKeys(IInformer<ApiKey> apiKeys) => _apiKeys = apiKeys;

    public void ObserveProviderKeys(IInformer<ProviderKey> providerKeys) => _providerKeys = providerKeys;

    public void RecordRotation(bool success) =>
        _rotations.Add(1, new KeyValuePair<string, object?>("result", success ? "success" : "failure"));

    /// <summary>Set by the encryption controller (the leader's view; a standby reports 0).</summary>
    public void SetEncryptionKeyMissing(bool missing) => Volatile.Write(ref _encryptionKeyMissing, missing ? 1 : 0);

    public void Dispose() => Meter.Dispose();

    // Keys that are not Active are refused already (or not issued yet); only a working key about to stop working is news.
    private IEnumerable<Measurement<double>> ObserveExpiries()
    {
        if (_apiKeys is not { HasSynced: true } apiKeys)
        {
            yield break;
        }

        foreach (var apiKey in apiKeys.Store.List())
        {
            if (apiKey.Spec.ExpiresAt is { } expiresAt && apiKey.Status is { Phase: ApiKeyPhases.Active, KeyId: { } keyId })
            {
                yield return new Measurement<double>(
                    expiresAt.ToUnixTimeMilliseconds() / 1000.0,
                    new KeyValuePair<string, object?>("namespace", apiKey.Metadata.NamespaceProperty),
                    new KeyValuePair<string, object?>("name", apiKey.Metadata.Name),
                    new KeyValuePair<string, object?>("key_id", keyId));
            }
        }
    }

    // The phase alone does not say a provider refused the key: that is the Validated condition, so it is a label too.
    private IEnumerable<Measurement<long>> ObserveProviderKeys()
    {
        if (_providerKeys is not { HasSynced: true } providerKeys)
        {
            yield break;
        }

        var counts = new Dictionary<(string Phase, string Validated), long>();
        foreach (var providerKey in providerKeys.Store.List())
        {
            // Not reconciled yet: it has no phase to count under.
            if (providerKey.Status?.Phase is not { } phase)
            {
                continue;
            }

            var validated = Conditions.Find(providerKey.Status?.Conditions, ProviderKeyConditions.Validated)?.Status ?? Conditions.Unknown;
            counts[(phase, validated)] = counts.GetValueOrDefault((phase, validated)) + 1;
        }

        foreach (var ((phase, validated), count) in counts)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("phase", phase), new KeyValuePair<string, object?>("validated", validated));
        }
    }

    private IEnumerable<Measurement<long>> ObserveKeys()
    {
        if (_apiKeys is not { HasSynced: true } apiKeys)
        {
            yield break;
        }

        var counts = ApiKeyPhases.All.ToDictionary(p => p, _ => 0L, StringComparer.Ordinal);
        foreach (var apiKey in apiKeys.Store.List())
        {
            var phase = apiKey.Status?.Phase ?? ApiKeyPhases.Pending;
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
