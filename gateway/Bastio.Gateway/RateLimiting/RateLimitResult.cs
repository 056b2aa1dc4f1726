namespace Bastio.Gateway.RateLimiting;

/// <summary>The outcome of one bucket decision, with what the <c>x-ratelimit-*</c> headers report.</summary>
public readonly record struct RateLimitResult(bool Allowed, long Limit, long Remaining, TimeSpan Reset, TimeSpan RetryAfter)
{
    /// <summary>No limit applies (the key has none): no headers are written.</summary>
    public static RateLimitResult Unlimited => new(true, -1, -1, TimeSpan.Zero, TimeSpan.Zero);

    public bool IsLimited => Limit >= 0;
}
