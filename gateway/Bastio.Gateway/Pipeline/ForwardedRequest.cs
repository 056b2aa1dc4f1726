using System.Net;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Usage;

namespace Bastio.Gateway.Pipeline;

/// <summary>Per-request state shared between the request handler and <see cref="ProviderTransformer"/> (an HttpContext feature).</summary>
internal sealed class ForwardedRequest(KeyEntry key, ProviderKeyEntry providerKey, RateLimitResult rateLimit)
{
    public KeyEntry Key { get; } = key;

    public ProxyEntry Proxy => Key.Proxy;

    public ProviderKeyEntry ProviderKey { get; } = providerKey;

    /// <summary>The client's address as the gateway resolved it; the upstream gets it in <c>X-Forwarded-For</c>.</summary>
    public IPAddress ClientIp { get; init; } = IPAddress.None;

    /// <summary>The request path as the client sent it (<see cref="Routing.RawPath"/>), read once by the handler.</summary>
    public string RawPath { get; init; } = "/";

    /// <summary>Re-applied after the upstream's headers are copied: the gateway's limits are the ones the client hits.</summary>
    public RateLimitResult RateLimit { get; } = rateLimit;

    /// <summary>Set when the provider refused our provider key and the client got <c>upstream_auth_failed</c>.</summary>
    public bool UpstreamAuthFailed { get; set; }

    /// <summary>Set when the response body is watched for token usage.</summary>
    public UsageObservingStream? Usage { get; set; }
}
