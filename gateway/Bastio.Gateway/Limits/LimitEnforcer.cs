using Bastio.Crds;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Observability;
using Bastio.Gateway.RateLimiting;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Events;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bastio.Gateway.Limits;

/// <summary>
/// The gateway's one door to the counters: decides admission and charges finished responses through
/// the configured store, never waiting longer than the decision budget for a shared one. When the shared
/// store fails it applies <see cref="StoreFailureMode"/>, counts it and logs it; exactness returns by
/// itself with the next answer from the store. Budget thresholds crossed become Events and a metric.
/// </summary>
internal sealed partial class LimitEnforcer(
    IAdmissionStore store,
    LocalAdmissionStore local,
    Func<bool> storeConnected,
    StoreFailureMode failureMode,
    TimeSpan decisionBudget,
    LimitsMetrics metrics,
    IEventRecorder? events,
    UsageReporter? reporter,
    ILogger<LimitEnforcer> logger,
    TimeProvider time)
{
    public const string ThresholdReason = "BudgetThresholdReached";

    // 1 while the shared store is failing: the warning is logged when it starts failing, not per request
    // (the failures metric counts each one).
    private int _failing;

    private bool Shared => !ReferenceEquals(store, local);

    /// <summary>False only while a shared store is unreachable and failures are denied: this replica then admits nothing.</summary>
    public bool IsReady => !Shared || failureMode == StoreFailureMode.Local || storeConnected();

    public async ValueTask<Admission> AdmitAsync(KeyEntry key, KeyLimits limits, CancellationToken cancellationToken)
    {
        if (!Shared)
        {
            return await local.AdmitAsync(key.KeyId, limits, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var admission = await store.AdmitAsync(key.KeyId, limits, cancellationToken).AsTask().WaitAsync(decisionBudget, time, cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref _failing) != 0 && Interlocked.Exchange(ref _failing, 0) != 0)
            {
                Log.StoreRecovered(logger);
            }

            return admission;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            StoreFailed("admit", ex);
            return failureMode == StoreFailureMode.Deny
                ? new Admission(Refusal.StoreUnavailable, RateLimitResult.Unlimited, null, null)
                : await local.AdmitAsync(key.KeyId, limits, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Charges a finished response's tokens and cost; unpriced models are counted as such, never as free.</summary>
    public async Task ChargeAsync(KeyEntry key, KeyLimits limits, string model, long promptTokens, long completionTokens)
    {
        var cost = limits.Pricing?.CostNanos(model, promptTokens, completionTokens);
        if (cost is null && limits.Pricing is not null)
        {
            metrics.Unpriced(key.Namespace, key.Proxy.Name, model);
        }

        var charge = new UsageCharge(promptTokens + completionTokens, cost);
        ChargeResult result;
        try
        {
            result = Shared
                ? await store.ChargeAsync(key.KeyId, limits, charge, CancellationToken.None).AsTask().WaitAsync(decisionBudget, time).ConfigureAwait(false)
                : await local.ChargeAsync(key.KeyId, limits, charge, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            StoreFailed("charge", ex);
            if (failureMode == StoreFailureMode.Deny)
            {
                return;
            }

            result = await local.ChargeAsync(key.KeyId, limits, charge, CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var percent in result.CrossedThresholds)
        {
            await ThresholdCrossedAsync(key, limits, percent, result.Usage).ConfigureAwait(false);
        }

        if (result.Usage is { } usage)
        {
            reporter?.Report(key, limits, usage, urgent: result.CrossedThresholds.Count > 0);
        }
    }

    private async Task ThresholdCrossedAsync(KeyEntry key, KeyLimits limits, int percent, PeriodUsage? usage)
    {
        metrics.ThresholdCrossed(key.Namespace, key.Name, percent);
        Log.ThresholdCrossed(logger, key.Namespace, key.Name, percent);
        if (events is null || limits.Budget is not { } budget || usage is not { } used)
        {
            return;
        }

        var involved = new ApiKey { ApiVersion = BastioResources.ApiVersion, Kind = BastioResources.ApiKeys.Kind, Metadata = new V1ObjectMeta { NamespaceProperty = key.Namespace, Name = key.Name, Uid = limits.ApiKeyUid } };
        var period = budget.Period.ToString().ToLowerInvariant();
        var message = $"Budget {percent}% reached: spent ${ModelPricing.FormatUsd(used.CostNanos)} of ${ModelPricing.FormatUsd(budget.AmountNanos)} this {period} (from {used.PeriodStart:yyyy-MM-dd} UTC)"
            + (used.UnpricedRequests > 0 ? $"; {used.UnpricedRequests} requests for unpriced models are not costed." : ".");
        await events.RecordAsync(involved, percent >= 100 ? EventType.Warning : EventType.Normal, ThresholdReason, message).ConfigureAwait(false);
    }

    private void StoreFailed(string operation, Exception exception)
    {
        metrics.StoreFailed(operation, failureMode);
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.StoreFailed(logger, operation, failureMode, exception.GetType().Name);
        }
    }

    private static bool IsStoreFailure(Exception exception) => exception is RedisException or TimeoutException or ObjectDisposedException;

    private static partial class Log
    {
        [LoggerMessage(LogEvents.StoreFailed, LogLevel.Warning, "The shared rate-limit store failed ({Operation}: {Error}); applying --store-failure={Mode} until it answers again.")]
        public static partial void StoreFailed(ILogger logger, string operation, StoreFailureMode mode, string error);

        [LoggerMessage(LogEvents.BudgetThresholdCrossed, LogLevel.Information, "ApiKey {Namespace}/{Name} crossed {Percent}% of its budget.")]
        public static partial void ThresholdCrossed(ILogger logger, string @namespace, string name, int percent);

        [LoggerMessage(LogEvents.StoreRecovered, LogLevel.Information, "The shared rate-limit store answers again; limits are exact across replicas again.")]
        public static partial void StoreRecovered(ILogger logger);
    }
}
