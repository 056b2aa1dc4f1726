namespace Bastio.Gateway.RateLimiting;

/// <summary>
/// A key's limit: refill <see cref="Requests"/> per <see cref="Period"/>, bucket capacity
/// <see cref="Capacity"/>. Part of a bucket's identity, so changing a key's limit starts a fresh bucket
/// while an unrelated configuration change keeps the bucket's state.
/// </summary>
internal sealed record RateLimitShape
{
    public RateLimitShape(long requests, TimeSpan period, long burst = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requests);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        Requests = requests;
        Period = period;
        Capacity = burst > 0 ? burst : requests;
    }

    public long Requests { get; }

    public TimeSpan Period { get; }

    /// <summary><c>burst</c>, or <c>requests</c> when burst is 0 or absent.</summary>
    public long Capacity { get; }
}
