using System.Runtime.CompilerServices;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.RateLimiting;

namespace Bastio.Gateway.Limits;

/// <summary>
/// Resolves an ApiKey's rate limit, token limit, budget and its Proxy's pricing at snapshot build. The pricing of a
/// Proxy is parsed once per spec object however many keys use it.
/// </summary>
internal sealed class KeyLimitsResolver
{
    private readonly ConditionalWeakTable<ProxySpec, StrongBox<ModelPricing?>> _pricing = [];

    /// <summary>False when something named is unusable (the key is then not served: fail closed).</summary>
    public bool TryResolve(ApiKey apiKey, ProxySpec proxy, RateLimitShape? requests, TokenBucket? requestBucket, out KeyLimits? limits)
    {
        limits = null;
        var spec = apiKey.Spec;
        var tokenLimit = spec.TokenLimit ?? Plan(spec, proxy)?.TokenLimit;
        TokenLimitShape? tokens = null;
        if (tokenLimit is not null)
        {
            if (tokenLimit.Tokens <= 0 || RateLimitPeriods.Length(tokenLimit.Period) is not { } period)
            {
                return false;
            }

            tokens = new TokenLimitShape(tokenLimit.Tokens, period);
        }

        BudgetShape? budget = null;
        if (spec.Budget is { } given)
        {
            if (!ModelPricing.TryParseUsd(given.Amount, out var amount) || amount * 1_000_000_000m >= long.MaxValue || ParseBudgetPeriod(given.Period) is not { } budgetPeriod
                || given.AlertThresholds?.Any(percent => percent is < 1 or > 100) == true)
            {
                return false;
            }

            budget = new BudgetShape((long)(amount * 1_000_000_000m), budgetPeriod, [.. (given.AlertThresholds ?? []).Distinct().Order()]);
        }

        var pricing = proxy.Pricing is { Count: > 0 } entries
            ? _pricing.GetValue(proxy, _ => new StrongBox<ModelPricing?>(ModelPricing.TryCreate(entries.Select(entry => (entry.Model, entry.InputPerMillion, entry.OutputPerMillion))))).Value
            : null;
        if (proxy.Pricing is { Count: > 0 } && pricing is null)
        {
            return false;
        }

        if (requests is not null || tokens is not null || budget is not null || pricing is not null)
        {
            limits = new KeyLimits(requests, tokens, budget, pricing) { RequestBucket = requestBucket, ApiKeyUid = apiKey.Metadata.Uid };
        }

        return true;
    }

    /// <summary>The key's own rate limit, else its plan, else the proxy default; false when what is named is unusable.</summary>
    public static bool TryResolveRateLimit(ApiKeySpec key, ProxySpec proxy, out RateLimitShape? shape)
    {
        shape = null;
        if (key.RateLimit is null && key.Plan is { Length: > 0 } name && proxy.Plans?.ContainsKey(name) != true)
        {
            return false;
        }

        var limit = key.RateLimit ?? Plan(key, proxy);
        if (limit is null)
        {
            return true;
        }

        if (limit.Requests <= 0 || RateLimitPeriods.Length(limit.Period) is not { } period || limit.Burst < 0)
        {
            return false;
        }

        shape = new RateLimitShape(limit.Requests, period, limit.Burst ?? 0);
        return true;
    }

    /// <summary>
    /// The plan a key falls back on, the one owner of this choice: the Proxy plan it names, else (when it sets
    /// no rate limit of its own) the Proxy's default. A named plan's token limit applies even to a key with its own rate limit.
    /// </summary>
    private static RateLimit? Plan(ApiKeySpec key, ProxySpec proxy) =>
        key.Plan is { Length: > 0 } name && proxy.Plans?.GetValueOrDefault(name) is { } named ? named
        : key.RateLimit is null ? proxy.Defaults?.RateLimit : null;

    private static BudgetPeriod? ParseBudgetPeriod(string? period) => period switch
    {
        BudgetPeriods.Day => BudgetPeriod.Day,
        BudgetPeriods.Week => BudgetPeriod.Week,
        BudgetPeriods.Month or null or "" => BudgetPeriod.Month,
        _ => null,
    };
}
