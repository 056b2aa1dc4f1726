using System.Globalization;
using Bastio.Core.Time;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.RateLimiting;

/// <summary>The OpenAI-style rate-limit headers, so SDK back-off logic works unchanged.</summary>
internal static class RateLimitHeaders
{
    public const string Limit = "x-ratelimit-limit-requests";
    public const string Remaining = "x-ratelimit-remaining-requests";
    public const string Reset = "x-ratelimit-reset-requests";
    public const string RetryAfter = "Retry-After";
    public const string RetryAfterMilliseconds = "retry-after-ms";
    public const string TokenLimit = "x-ratelimit-limit-tokens";
    public const string TokenRemaining = "x-ratelimit-remaining-tokens";
    public const string TokenReset = "x-ratelimit-reset-tokens";

    public static void Write(IHeaderDictionary headers, in RateLimitResult result)
    {
        if (result.Tokens is { } tokens)
        {
            headers[TokenLimit] = tokens.Limit.ToString(CultureInfo.InvariantCulture);
            headers[TokenRemaining] = tokens.Remaining.ToString(CultureInfo.InvariantCulture);
            headers[TokenReset] = GoDuration.Format(RoundUpToMilliseconds(tokens.Reset));
        }

        if (!result.IsLimited)
        {
            return;
        }

        headers[Limit] = result.Limit.ToString(CultureInfo.InvariantCulture);
        headers[Remaining] = result.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[Reset] = GoDuration.Format(RoundUpToMilliseconds(result.Reset));
        if (!result.Allowed)
        {
            headers[RetryAfter] = ((long)Math.Ceiling(result.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            headers[RetryAfterMilliseconds] = ((long)Math.Ceiling(result.RetryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static TimeSpan RoundUpToMilliseconds(TimeSpan value) => TimeSpan.FromMilliseconds(Math.Ceiling(value.TotalMilliseconds));
}
