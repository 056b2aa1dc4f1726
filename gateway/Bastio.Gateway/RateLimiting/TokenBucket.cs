namespace Bastio.Gateway.RateLimiting;

/// <summary>
/// A token bucket as GCRA: one "theoretical arrival time" replaces the token count, so a decision is
/// a compare and an add under a per-bucket lock, exact under any concurrency (N racing callers see
/// exactly <c>Capacity</c> admissions, then one per emission interval).
/// Time is scaled by <c>Requests</c> so the emission interval (period / requests) is an exact integer;
/// <see cref="Int128"/> keeps the scaled timestamps from overflowing.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Int128 _interval;
    private readonly Int128 _window;
    private readonly long _requests;
    private readonly double _scaledTicksPerTimeSpanTick;
    private Int128 _arrival;

    public TokenBucket(RateLimitShape shape, TimeProvider time)
    {
        Shape = shape;
        _time = time;
        _requests = shape.Requests;
        var frequency = time.TimestampFrequency;

        // Interval in scaled units: (period in timestamp ticks) * requests / requests.
        _interval = (Int128)shape.Period.Ticks * frequency / TimeSpan.TicksPerSecond;
        _window = _interval * shape.Capacity;
        _scaledTicksPerTimeSpanTick = (double)frequency * _requests / TimeSpan.TicksPerSecond;
        _arrival = Now();
    }

    public RateLimitShape Shape { get; }

    /// <summary>Takes one token when available.</summary>
    public RateLimitResult TryAcquire()
    {
        var now = Now();
        lock (_lock)
        {
            var next = Int128.Max(_arrival, now) + _interval;
            if (next - now <= _window)
            {
                _arrival = next;
                return new RateLimitResult(true, Shape.Capacity, Remaining(next, now), ToTimeSpan(next - now), TimeSpan.Zero);
            }

            return new RateLimitResult(false, Shape.Capacity, 0, ToTimeSpan(_arrival - now), ToTimeSpan(next - _window - now));
        }
    }

    /// <summary>The current state without taking a token, for answers refused before the rate-limit check.</summary>
    public RateLimitResult Peek()
    {
        var now = Now();
        lock (_lock)
        {
            var arrival = Int128.Max(_arrival, now);
            return new RateLimitResult(true, Shape.Capacity, Remaining(arrival, now), ToTimeSpan(arrival - now), TimeSpan.Zero);
        }
    }

    private long Remaining(Int128 arrival, Int128 now) => (long)((_window - (arrival - now)) / _interval);

    private Int128 Now() => (Int128)_time.GetTimestamp() * _requests;

    /// <summary>Rounds up so a client that waits the reported time is admitted.</summary>
    private TimeSpan ToTimeSpan(Int128 scaled) =>
        scaled <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling((double)scaled / _scaledTicksPerTimeSpanTick));
}
