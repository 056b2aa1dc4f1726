using Bastio.Gateway.RateLimiting;

namespace Bastio.Gateway.Limits;

/// <summary>Why a request was not admitted; <see cref="None"/> admits it.</summary>
internal enum Refusal
{
    None = 0,
    Requests = 1,
    Tokens = 2,
    Budget = 3,

    /// <summary>The shared store could not decide in time and <c>--store-failure=deny</c> is set.</summary>
    StoreUnavailable = 4,
}

/// <summary>What a key used in the current usage period (the budget's, else a calendar month).</summary>
internal readonly record struct PeriodUsage(DateTimeOffset PeriodStart, long Tokens, long CostNanos, long UnpricedRequests);

/// <summary>One admission decision: the request bucket's result plus the token and budget states when the key has them.</summary>
internal readonly record struct Admission(Refusal Refusal, RateLimitResult Requests, TokenLimitState? Tokens, PeriodUsage? Usage)
{
    public bool Allowed => Refusal == Refusal.None;
}

/// <summary>What one response cost: its tokens and, when its model is priced, nanodollars.</summary>
internal readonly record struct UsageCharge(long Tokens, long? CostNanos)
{
    public static UsageCharge None => new(0, 0);
}

/// <summary>The state after a charge, with the budget thresholds this charge crossed first in the period.</summary>
internal readonly record struct ChargeResult(TokenLimitState? Tokens, PeriodUsage? Usage, IReadOnlyList<int> CrossedThresholds);

/// <summary>
/// Where a key's counters live: <see cref="LocalAdmissionStore"/> in this process, or the Redis store
/// shared by every replica. Each call is one atomic decision.
/// </summary>
internal interface IAdmissionStore
{
    ValueTask<Admission> AdmitAsync(string keyId, KeyLimits limits, CancellationToken cancellationToken);

    /// <summary>Charges a finished response; <see cref="UsageCharge.None"/> reads without charging.</summary>
    ValueTask<ChargeResult> ChargeAsync(string keyId, KeyLimits limits, UsageCharge charge, CancellationToken cancellationToken);
}
