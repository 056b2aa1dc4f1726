using System.Collections.Concurrent;
using Bastio.Core.Networking;
using Bastio.Gateway.Configuration;

namespace Bastio.Gateway.Networking;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> per upstream origin, shared across snapshots so connection
/// pools survive configuration changes. Settings follow YARP's direct-forwarding guidance: no
/// proxy, redirects, decompression, cookies or activity propagation. Every connection goes through
/// the <see cref="UpstreamConnector"/> (allowed addresses, not the gateway itself) and certificates are
/// validated against the <see cref="UpstreamTrust"/>. Origins no Proxy uses any more
/// are forgotten when a new snapshot is first seen, so deleted Proxies do not pin connection pools.
/// </summary>
internal sealed class UpstreamClients(UpstreamConnector connector, UpstreamTrust trust) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _byOrigin = new(StringComparer.OrdinalIgnoreCase);

    // Per exact upstream string, so a request costs one lookup instead of parsing a Uri.
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _byUpstream = new(StringComparer.Ordinal);
    private GatewaySnapshot? _seen;

    /// <summary>Origins with a client (for tests and metrics).</summary>
    public int OriginCount => _byOrigin.Count;

    /// <summary>The client for <paramref name="upstream"/>, a Proxy's upstream in <paramref name="snapshot"/>.</summary>
    public HttpMessageInvoker Get(GatewaySnapshot snapshot, string upstream)
    {
        if (!ReferenceEquals(Volatile.Read(ref _seen), snapshot))
        {
            Retain(snapshot);
        }

        return _byUpstream.TryGetValue(upstream, out var client) ? client : Add(upstream);
    }

    /// <summary>The handler behind every upstream client (public so benchmarks pool connections the same way).</summary>
    public static SocketsHttpHandler CreateHandler(UpstreamConnector connector, UpstreamTrust trust)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(trust);
        var handler = connector.CreateHandler();
        handler.EnableMultipleHttp2Connections = true;
        handler.ConnectTimeout = TimeSpan.FromSeconds(15);
        trust.Apply(handler);
        return handler;
    }

    public void Dispose()
    {
        foreach (var client in _byOrigin.Values)
        {
            client.Dispose();
        }

        _byOrigin.Clear();
        _byUpstream.Clear();
    }

    private HttpMessageInvoker Add(string upstream)
    {
        var client = _byOrigin.GetOrAdd(Origin(upstream), _ => new HttpMessageInvoker(CreateHandler(connector, trust)));
        _byUpstream[upstream] = client;
        return client;
    }

    /// <summary>
    /// Forgets the clients of origins no Proxy in <paramref name="snapshot"/> uses. They are not
    /// disposed: a streamed answer may still be flowing through one. Their idle connections close on
    /// the handler's idle timeout and the handler is then collected, as YARP leaves replaced clients.
    /// Racing requests on an older snapshot may add an origin back; the next snapshot forgets it again.
    /// </summary>
    private void Retain(GatewaySnapshot snapshot)
    {
        Volatile.Write(ref _seen, snapshot);
        var upstreams = snapshot.Proxies.Select(proxy => proxy.Upstream).ToHashSet(StringComparer.Ordinal);
        var origins = upstreams.Select(Origin).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var upstream in _byUpstream.Keys)
        {
            if (!upstreams.Contains(upstream))
            {
                _byUpstream.TryRemove(upstream, out _);
            }
        }

        foreach (var origin in _byOrigin.Keys)
        {
            if (!origins.Contains(origin))
            {
                _byOrigin.TryRemove(origin, out _);
            }
        }
    }

    private static string Origin(string upstream) => new Uri(upstream).GetLeftPart(UriPartial.Authority);
}
