namespace Bastio.Kubernetes.Runtime.Queues;

/// <summary>Factory for the controller default rate limiter.</summary>
public static class RateLimiters
{
    /// <summary>
    /// client-go's <c>DefaultControllerRateLimiter</c>: the larger of a per-item exponential backoff
    /// (5ms doubling up to 1000s) and an overall token bucket (10 qps, burst 100).
    /// </summary>
    public static IRateLimiter<TItem> CreateDefault<TItem>(TimeProvider? timeProvider = null)
        where TItem : notnull
        => new MaxOfRateLimiter<TItem>(
            new ItemExponentialFailureRateLimiter<TItem>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<TItem>(10, 100, timeProvider ?? TimeProvider.System));
}

/// <summary>Per-item exponential backoff: <c>baseDelay * 2^(failures-1)</c>, capped at <c>maxDelay</c>.</summary>
public sealed class ItemExponentialFailureRateLimiter<TItem>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<TItem>
    where TItem : notnull
{
    private readonly Dictionary<TItem, int> _failures = [];

    public TimeSpan When(TItem item)
    {
        int failures;
        lock (_failures)
        {
            _failures.TryGetValue(item, out failures);
            _failures[item] = failures + 1;
        }

        // Computed in doubles so that many failures saturate at maxDelay instead of overflowing.
        var ticks = baseDelay.Ticks * Math.Pow(2, failures);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public void Forget(TItem item)
    {
        lock (_failures)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(TItem item)
    {
        lock (_failures)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}

/// <summary>
/// An overall token bucket shared by all items: each call reserves a token and returns how long until
/// that token exists, so a burst of failures is spread out at <c>qps</c> (like <c>rate.Limiter.Reserve</c>).
/// </summary>
public sealed class BucketRateLimiter<TItem> : IRateLimiter<TItem>
    where TItem : notnull
{
    private readonly double _qps;
    private readonly int _burst;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _last;

    public BucketRateLimiter(double qps, int burst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _qps = qps;
        _burst = burst;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _tokens = burst;
        _last = _timeProvider.GetTimestamp();
    }

    public TimeSpan When(TItem item)
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var elapsed = _timeProvider.GetElapsedTime(_last, now);
            _last = now;
            _tokens = Math.Min(_burst, _tokens + (elapsed.TotalSeconds * _qps));
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _qps);
        }
    }

    public void Forget(TItem item)
    {
    }

    public int NumRequeues(TItem item) => 0;
}

/// <summary>Combines limiters: the longest delay wins.</summary>
public sealed class MaxOfRateLimiter<TItem>(params IRateLimiter<TItem>[] limiters) : IRateLimiter<TItem>
    where TItem : notnull
{
    public TimeSpan When(TItem item)
    {
        var max = TimeSpan.Zero;
        foreach (var limiter in limiters)
        {
            var delay = limiter.When(item);
            if (delay > max)
            {
                max = delay;
            }
        }

        return max;
    }

    public void Forget(TItem item)
    {
        foreach (var limiter in limiters)
        {
            limiter.Forget(item);
        }
    }

    public int NumRequeues(TItem item) => limiters.Max(l => l.NumRequeues(item));
}
