using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Bastio.Crds;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Observability;
using Bastio.Kubernetes.Api;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Limits;

/// <summary>
/// Publishes a key's period usage (tokens, cost, budget used) into <c>ApiKey.status.usage</c> for
/// <c>kubectl bastio usage</c>, <c>keys show</c> and the Budget-Used column: at most once per
/// <see cref="Interval"/> per key and replica, and at once when a budget threshold is crossed. A merge
/// patch of that one field, so it never conflicts with the operator's status writes; best-effort.
/// </summary>
internal sealed partial class UsageReporter(IResourceClient<ApiKey> apiKeys, TimeProvider time, ILogger<UsageReporter> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> _reported = new(StringComparer.Ordinal);

    public void Report(KeyEntry key, KeyLimits limits, PeriodUsage usage, bool urgent)
    {
        var now = time.GetTimestamp();
        if (!urgent && _reported.TryGetValue(key.KeyId, out var last) && time.GetElapsedTime(last, now) < Interval)
        {
            return;
        }

        _reported[key.KeyId] = now;
        _ = PatchAsync(key, limits, usage);
    }

    private async Task PatchAsync(KeyEntry key, KeyLimits limits, PeriodUsage usage)
    {
        try
        {
            var buffer = new MemoryStream();
            await using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartObject("status");
                json.WriteStartObject("usage");
                json.WriteString("periodStart", usage.PeriodStart.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                json.WriteNumber("tokens", usage.Tokens);
                json.WriteString("cost", ModelPricing.FormatUsd(usage.CostNanos));
                if (limits.Budget is { } budget)
                {
                    json.WriteNumber("budgetUsedPercent", budget.AmountNanos == 0 ? 100 : (long)Math.Floor((decimal)usage.CostNanos * 100 / budget.AmountNanos));
                }

                json.WriteNumber("unpricedRequests", usage.UnpricedRequests);
                json.WriteString("updatedAt", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            await apiKeys.PatchAsync(key.Namespace, key.Name, PatchType.Merge, System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), status: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ReportFailed(logger, key.Namespace, key.Name, ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.UsageReportFailed, LogLevel.Debug, "Could not publish the usage of ApiKey {Namespace}/{Name}: {Error}.")]
        public static partial void ReportFailed(ILogger logger, string @namespace, string name, string error);
    }
}
