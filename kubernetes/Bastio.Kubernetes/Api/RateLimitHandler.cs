namespace Bastio.Kubernetes.Api;

/// <summary>client-go's client-side QPS/burst limit, as a handler in the official client's pipeline: every attempt, watches included, takes a token.</summary>
internal sealed class RateLimitHandler(TokenBucketRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
