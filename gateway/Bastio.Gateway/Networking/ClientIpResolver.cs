using System.Net;
using Microsoft.Extensions.Primitives;

namespace Bastio.Gateway.Networking;

/// <summary>
/// The client's address: the connection's peer, unless the peer is a trusted proxy, in which case
/// <c>X-Forwarded-For</c> is walked from the right and the first untrusted entry wins. Entries left
/// of it were written by whoever the client was, so they are never believed.
/// </summary>
internal sealed class ClientIpResolver(IpAllowList? trustedProxies)
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public IPAddress Resolve(IPAddress peer, StringValues forwardedFor)
    {
        if (trustedProxies is null || forwardedFor.Count == 0 || !trustedProxies.Contains(peer))
        {
            return peer;
        }

        var client = peer;
        for (var value = forwardedFor.Count - 1; value >= 0; value--)
        {
            var entries = (forwardedFor[value] ?? "").AsSpan();
            while (!entries.IsEmpty)
            {
                var comma = entries.LastIndexOf(',');
                var entry = entries[(comma + 1)..].Trim();
                entries = comma < 0 ? default : entries[..comma];
                if (!TryParseEntry(entry, out var address))
                {
                    // A garbled hop ends the chain we can trust: the last hop we could read is the client.
                    return client;
                }

                client = address;
                if (!trustedProxies.Contains(address))
                {
                    return address;
                }
            }
        }

        return client;
    }

    /// <summary>Plain addresses, and the <c>[v6]:port</c> / <c>v4:port</c> forms some proxies write.</summary>
    private static bool TryParseEntry(ReadOnlySpan<char> entry, out IPAddress address)
    {
        if (IPAddress.TryParse(entry, out address!))
        {
            return true;
        }

        if (entry.StartsWith('[') && entry.IndexOf(']') is var close and > 0)
        {
            return IPAddress.TryParse(entry[1..close], out address!);
        }

        var colon = entry.IndexOf(':');
        return colon > 0 && entry.LastIndexOf(':') == colon && IPAddress.TryParse(entry[..colon], out address!);
    }
}
