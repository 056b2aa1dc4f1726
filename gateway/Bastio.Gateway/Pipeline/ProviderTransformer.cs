using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Errors;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;
using Bastio.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// The credential swap: removes every client credential header, sets the provider key in the
/// provider's header, and maps <c>/v1/...</c> onto the proxy's upstream base. On the way back it
/// replaces a provider 401/403 with <c>upstream_auth_failed</c> (the provider's body may quote our key)
/// and attaches the usage observer.
/// </summary>
internal sealed class ProviderTransformer(LoopGuard loopGuard) : HttpTransformer
{
    /// <summary>Azure's key header; a client may send it too, and it must not reach the provider either.</summary>
    private const string AzureKeyHeader = "api-key";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var request = httpContext.Features.GetRequiredFeature<ForwardedRequest>();
        RequestHeaderHygiene.Apply(httpContext.Request, proxyRequest, request.ClientIp);
        var headers = proxyRequest.Headers;

        // The base copies the client's Host, which the handler would also send as TLS server name: the upstream's own comes from the URI.
        headers.Host = null;
        loopGuard.Mark(headers);
        foreach (var name in Credential.HeaderNames)
        {
            headers.Remove(name);
        }

        headers.Remove(AzureKeyHeader);
        var providerKey = request.ProviderKey;
        switch (request.Proxy.Provider)
        {
            case ProviderKind.Anthropic:
                headers.TryAddWithoutValidation("x-api-key", providerKey.ApiKey);
                break;
            case ProviderKind.AzureOpenAI:
                headers.TryAddWithoutValidation(AzureKeyHeader, providerKey.ApiKey);
                break;
            default:
                headers.TryAddWithoutValidation("Authorization", providerKey.BearerAuthorization);
                break;
        }

        // The raw path, not the decoded Path: PathString would re-encode the '%' of a client's %2F.
        var rest = RawPath.AfterFirstSegment(request.RawPath);
        proxyRequest.RequestUri = new Uri(request.Proxy.Upstream.TrimEnd('/') + rest + httpContext.Request.QueryString.Value);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var request = httpContext.Features.GetRequiredFeature<ForwardedRequest>();
        if (proxyResponse is { StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden })
        {
            request.UpstreamAuthFailed = true;
            RateLimitHeaders.Write(httpContext.Response.Headers, request.RateLimit);
            await ErrorResponseWriter.WriteAsync(httpContext.Response, GatewayErrors.UpstreamAuthFailed).ConfigureAwait(false);
            return false;
        }

        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        RateLimitHeaders.Write(httpContext.Response.Headers, request.RateLimit);
        if (proxyResponse is { IsSuccessStatusCode: true } && proxyResponse.Content.Headers.ContentType?.MediaType is { } mediaType
            && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
            && ContentDecoder.TryCreate(proxyResponse.Content.Headers.ContentEncoding, out var decoder))
        {
            request.Usage = new UsageObservingStream(httpContext.Response.Body, serverSentEvents: mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase), decoder);
            httpContext.Response.Body = request.Usage;
        }

        return copyBody;
    }
}
