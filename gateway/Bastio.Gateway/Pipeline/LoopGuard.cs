using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// Marks what this gateway forwards and recognises the mark when a request comes back, so a Proxy
/// whose upstream leads back to the gateway (through a Service, an ingress, another proxy) costs one
/// request instead of looping until file handles run out. The mark is an entry in the
/// <c>CDN-Loop</c> header (RFC 8586), the header proxies use for exactly this, which intermediaries
/// pass on; each gateway process has its own token, so chaining two different gateways still works.
/// A looping upstream that is one of the gateway's own listeners is refused earlier, at connect time.
/// </summary>
internal sealed class LoopGuard
{
    public const string HeaderName = "CDN-Loop";

    /// <summary>A guard with a fresh random token, one per gateway process.</summary>
    public LoopGuard() => Token = "bastio-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>This gateway's entry in <c>CDN-Loop</c>.</summary>
    public string Token { get; }

    /// <summary>Whether the request already went through this gateway.</summary>
    public bool HasLooped(IHeaderDictionary headers)
    {
        foreach (var value in headers[HeaderName])
        {
            // cdn-info = cdn-id *( OWS ";" OWS parameter ), comma-separated.
            foreach (var entry in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                var id = entry.AsSpan();
                var parameters = id.IndexOf(';');
                if ((parameters < 0 ? id : id[..parameters].TrimEnd()).Equals(Token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Adds this gateway's entry after any the client's request carried.</summary>
    public void Mark(HttpRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.TryAddWithoutValidation(HeaderName, Token);
    }
}
