using System.Collections.Concurrent;
using System.Net;

namespace Bastio.Gateway.Forwarding;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> per upstream origin, shared across snapshots so connection
/// pools survive configuration changes. Settings follow YARP's direct-forwarding guidance: no
/// proxy, redirects, decompression, cookies or activity propagation.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _clients = new(StringComparer.OrdinalIgnoreCase);

    public HttpMessageInvoker Get(string upstream)
    {
        var origin = new Uri(upstream).GetLeftPart(UriPartial.Authority);
        return _clients.GetOrAdd(origin, static _ => new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        }));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
