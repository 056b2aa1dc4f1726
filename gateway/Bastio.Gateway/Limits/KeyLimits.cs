using Bastio.Gateway.RateLimiting;

namespace Bastio.Gateway.Limits;

/// <summary>Refill <see cref="Tokens"/> per <see cref="Period"/>; part of the counter's identity, so a changed limit starts afresh.</summary>
internal sealed record TokenLimitShape(long Tokens, TimeSpan Period);

/// <summary>Calendar periods in UTC a budget resets on; the numbers are what the store scripts receive.</summary>
internal enum BudgetPeriod
{
    Day = 1,
    Week = 2,
    Month = 3,
}

/// <summary>A spending limit: <see cref="AmountNanos"/> US nanodollars per period, with alert thresholds in percent, ascending.</summary>
internal sealed record BudgetShape(long AmountNanos, BudgetPeriod Period, IReadOnlyList<int> Thresholds);

/// <summary>
/// What the store counts for one key beyond its request bucket, resolved once per snapshot build. Null
/// parts are not counted; a key with only a request limit never reaches the charging path.
/// </summary>
internal sealed record KeyLimits(RateLimitShape? Requests, TokenLimitShape? Tokens, BudgetShape? Budget, ModelPricing? Pricing)
{
    /// <summary>Whether the end of a response must be charged to the store (tokens, cost or budget to count).</summary>
    public bool Charges => Tokens is not null || Budget is not null || Pricing is not null;

    /// <summary>The period usage and cost are counted in: the budget's, else a calendar month.</summary>
    public BudgetPeriod UsagePeriod => Budget?.Period ?? BudgetPeriod.Month;

    /// <summary>
    /// This replica's bucket for <see cref="Requests"/>, the snapshot's own, so the in-process store admits
    /// without a lookup on the request path.
    /// </summary>
    public TokenBucket? RequestBucket { get; init; }

    /// <summary>The ApiKey's uid, so its Events are found by <c>kubectl describe</c>.</summary>
    public string? ApiKeyUid { get; init; }
}
