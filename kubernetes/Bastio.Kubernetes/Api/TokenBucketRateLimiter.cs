namespace Bastio.Kubernetes.Api;

/// <summary>
/// client-go's QPS/burst limiter: a bucket of <c>burst</c> tokens refilled at <c>qps</c> per second.
/// A caller takes its token at once and, if the bucket ran dry, waits until that token would have been
/// refilled, so waiters are served in arrival order without a queue.
/// </summary>
internal sealed class TokenBucketRateLimiter
{
    private readonly double _qps;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _updatedAt;

    public TokenBucketRateLimiter(double qps, int burst, TimeProvider time)
    {
        _qps = qps;
        _burst = Math.Max(1, burst);
        _time = time;
        _tokens = _burst;
        _updatedAt = time.GetTimestamp();
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (_qps <= 0)
        {
            return;
        }

        TimeSpan wait;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_updatedAt, now).TotalSeconds * _qps));
            _updatedAt = now;
            _tokens -= 1;
            if (_tokens >= 0)
            {
                return;
            }

            wait = TimeSpan.FromSeconds(-_tokens / _qps);
        }

        try
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // A cancelled waiter never sends, so it must not keep later callers waiting for its token.
            lock (_lock)
            {
                _tokens += 1;
            }

            throw;
        }
    }
}
