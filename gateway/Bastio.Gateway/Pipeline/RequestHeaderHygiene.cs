using System.Net;
using Bastio.Gateway.Networking;
using Bastio.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// The client's request headers that must not reach the upstream: forwarding headers the client wrote
/// itself (only the gateway knows who the client is), the method and URL overrides some frameworks
/// obey, and the headers the client's <c>Connection</c> names (hop-by-hop by its own word). The
/// gateway then states the client's address in <c>X-Forwarded-For</c>, as nginx's
/// <c>proxy_set_header X-Forwarded-For $remote_addr</c> does, and offers the upstream only the
/// content codings the usage observer can decode.
/// </summary>
internal static class RequestHeaderHygiene
{
    private const string ForwardedPrefix = "X-Forwarded-";

    private static readonly string[] Dropped = ["Forwarded", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Original-URL", "X-Rewrite-URL"];

    /// <summary>Runs right after the client's headers are copied and before the gateway sets its own, so a client cannot name those in <c>Connection</c>.</summary>
    public static void Apply(HttpRequest request, HttpRequestMessage proxyRequest, IPAddress clientIp)
    {
        var headers = proxyRequest.Headers;
        var named = ConnectionOptions(request.Headers.Connection);

        // Names come from the copied headers, not from the client's list, so a malformed name in
        // Connection can never make HttpHeaders throw.
        var dropped = headers.NonValidated
            .Select(header => header.Key)
            .Where(name => name.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase)
                || Dropped.Contains(name, StringComparer.OrdinalIgnoreCase)
                || named.Contains(name))
            .ToList();
        foreach (var name in dropped)
        {
            headers.Remove(name);
        }

        headers.TryAddWithoutValidation(ClientIpResolver.ForwardedForHeader, (clientIp.IsIPv4MappedToIPv6 ? clientIp.MapToIPv4() : clientIp).ToString());
        ContentDecoder.LimitAcceptEncoding(headers);
    }

    private static HashSet<string> ConnectionOptions(StringValues connection)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connection)
        {
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                named.Add(name);
            }
        }

        return named;
    }
}
