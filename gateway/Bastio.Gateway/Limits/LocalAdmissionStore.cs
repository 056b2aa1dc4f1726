using System.Collections.Concurrent;
using Bastio.Gateway.RateLimiting;

namespace Bastio.Gateway.Limits;

/// <summary>
/// Counters in this process: exact for one replica, per replica with several (the chart refuses that
/// unless accepted), and lost on restart. Request buckets are the snapshot's own
/// (<see cref="KeyLimits.RequestBucket"/>); token and period counters are kept here with the same
/// arithmetic as the Redis script.
/// </summary>
internal sealed class LocalAdmissionStore(TimeProvider time) : IAdmissionStore
{
    private readonly ConcurrentDictionary<(string KeyId, TokenLimitShape Shape), TokenCounter> _tokens = new();
    private readonly ConcurrentDictionary<string, PeriodCounter> _periods = new(StringComparer.Ordinal);

    public ValueTask<Admission> AdmitAsync(string keyId, KeyLimits limits, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        PeriodUsage? usage = limits.Budget is null && limits.Pricing is null ? null : Period(keyId, limits, now).Read();
        if (limits.Budget is { } budget && usage is { } used)
        {
            if (used.CostNanos >= budget.AmountNanos)
            {
                return ValueTask.FromResult(new Admission(Refusal.Budget, Peek(limits), TokenState(keyId, limits, now, 0), usage));
            }
        }

        var tokens = TokenState(keyId, limits, now, 0);
        if (tokens is { Remaining: <= 0 })
        {
            return ValueTask.FromResult(new Admission(Refusal.Tokens, Peek(limits), tokens, usage));
        }

        var requests = limits.RequestBucket?.TryAcquire() ?? RateLimitResult.Unlimited;
        return ValueTask.FromResult(new Admission(requests.Allowed ? Refusal.None : Refusal.Requests, requests, tokens, usage));
    }

    public ValueTask<ChargeResult> ChargeAsync(string keyId, KeyLimits limits, UsageCharge charge, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var tokens = TokenState(keyId, limits, now, charge.Tokens);
        if (limits.Budget is null && limits.Pricing is null)
        {
            return ValueTask.FromResult(new ChargeResult(tokens, null, []));
        }

        var (usage, crossed) = Period(keyId, limits, now).Add(charge, limits.Budget);
        return ValueTask.FromResult(new ChargeResult(tokens, usage, crossed));
    }

    private static RateLimitResult Peek(KeyLimits limits) => limits.RequestBucket?.Peek() ?? RateLimitResult.Unlimited;

    private TokenLimitState? TokenState(string keyId, KeyLimits limits, DateTimeOffset now, long charge) =>
        limits.Tokens is { } shape ? _tokens.GetOrAdd((keyId, shape), static (_, start) => new TokenCounter(start), now).Charge(shape, now, charge) : null;

    private PeriodCounter Period(string keyId, KeyLimits limits, DateTimeOffset now)
    {
        var start = UsagePeriods.Start(limits.UsagePeriod, now);
        var counter = _periods.GetOrAdd(keyId, static (_, start) => new PeriodCounter(start), start);
        if (counter.Start != start)
        {
            // A new period (or a changed period kind) starts from zero; racing callers agree on one counter.
            var fresh = new PeriodCounter(start);
            counter = _periods.TryUpdate(keyId, fresh, counter) ? fresh : _periods[keyId];
        }

        return counter;
    }

    /// <summary>Tokens used, draining continuously at the limit's rate; in deficit while at or over the limit.</summary>
    private sealed class TokenCounter(DateTimeOffset start)
    {
        private readonly Lock _lock = new();
        private double _used;
        private DateTimeOffset _at = start;

        public TokenLimitState Charge(TokenLimitShape shape, DateTimeOffset now, long tokens)
        {
            lock (_lock)
            {
                var elapsed = Math.Max(0, (now - _at).Ticks);
                var used = Math.Max(0, _used - (elapsed * (double)shape.Tokens / shape.Period.Ticks)) + tokens;
                _used = used;
                _at = now > _at ? now : _at;
                return TokenLimitShapes.State(shape, used);
            }
        }
    }

    private sealed class PeriodCounter(DateTimeOffset start)
    {
        private readonly Lock _lock = new();
        private readonly HashSet<int> _crossed = [];
        private long _tokens;
        private long _cost;
        private long _unpriced;

        public DateTimeOffset Start { get; } = start;

        public PeriodUsage Read()
        {
            lock (_lock)
            {
                return new PeriodUsage(Start, _tokens, _cost, _unpriced);
            }
        }

        public (PeriodUsage Usage, IReadOnlyList<int> Crossed) Add(UsageCharge charge, BudgetShape? budget)
        {
            lock (_lock)
            {
                _tokens += charge.Tokens;
                _cost = charge.CostNanos is { } cost ? _cost + cost : _cost;
                _unpriced += charge.CostNanos is null ? 1 : 0;
                var crossed = budget is null ? [] : budget.Thresholds.Where(percent => (decimal)_cost * 100 >= (decimal)budget.AmountNanos * percent && _crossed.Add(percent)).ToList();
                return (new PeriodUsage(Start, _tokens, _cost, _unpriced), crossed);
            }
        }
    }
}

/// <summary>The token-limit arithmetic shared by both stores' callers.</summary>
internal static class TokenLimitShapes
{
    /// <summary>Remaining is what may still be used; reset is when the counter drains to zero.</summary>
    public static TokenLimitState State(TokenLimitShape shape, double used) => new(
        shape.Tokens,
        Math.Max(0, shape.Tokens - (long)Math.Ceiling(used)),
        TimeSpan.FromTicks((long)Math.Ceiling(used * shape.Period.Ticks / shape.Tokens)));
}
