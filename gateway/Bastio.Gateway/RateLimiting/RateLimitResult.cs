namespace Bastio.Gateway.RateLimiting;

/// <summary>The outcome of one bucket decision, with what the <c>x-ratelimit-*</c> headers report.</summary>
internal readonly record struct RateLimitResult(bool Allowed, long Limit, long Remaining, TimeSpan Reset, TimeSpan RetryAfter)
{
    /// <summary>No limit applies (the key has none): no headers are written.</summary>
    public static RateLimitResult Unlimited => new(true, -1, -1, TimeSpan.Zero, TimeSpan.Zero);

    public bool IsLimited => Limit >= 0;

    /// <summary>The key's token limit, when it has one: the <c>x-ratelimit-*-tokens</c> headers.</summary>
    public TokenLimitState? Tokens { get; init; }
}

/// <summary>A token limit's state: what the <c>x-ratelimit-*-tokens</c> headers report.</summary>
internal readonly record struct TokenLimitState(long Limit, long Remaining, TimeSpan Reset);
