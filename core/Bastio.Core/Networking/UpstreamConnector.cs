using System.Net;
using System.Net.Sockets;

namespace Bastio.Core.Networking;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of every upstream client (gateway and operator
/// validation): resolves the host itself and connects only to addresses the
/// <see cref="UpstreamAddressPolicy"/> allows, so the decision is made on the address actually dialled
/// and DNS rebinding cannot get around it. <paramref name="refuseEndpoint"/> lets the gateway refuse
/// its own listeners (a Proxy pointing back at the gateway).
/// </summary>
public sealed class UpstreamConnector(UpstreamAddressPolicy policy, Func<IPEndPoint, bool>? refuseEndpoint = null)
{
    public UpstreamAddressPolicy Policy => policy;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = new List<IPAddress>(addresses.Length);
        foreach (var address in addresses)
        {
            if (!policy.IsAllowed(address))
            {
                continue;
            }

            if (refuseEndpoint?.Invoke(new IPEndPoint(address, port)) == true)
            {
                throw new UpstreamLoopException(host, port);
            }

            allowed.Add(address);
        }

        if (allowed.Count == 0)
        {
            throw new UpstreamAddressNotAllowedException(host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A handler for upstream calls with this connector; the caller adds TLS trust and timeouts.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectCallback = ConnectAsync,
    };
}

/// <summary>Every address the upstream's host resolved to is refused by the <see cref="UpstreamAddressPolicy"/>.</summary>
public sealed class UpstreamAddressNotAllowedException(string host)
    : IOException($"The upstream host '{host}' resolves only to addresses the gateway may not connect to (loopback, private, link-local...); allow them with --upstream-allow-cidrs.")
{
    public string Host { get; } = host;
}

/// <summary>The upstream is one of the gateway's own listeners.</summary>
public sealed class UpstreamLoopException(string host, int port)
    : IOException($"The upstream '{host}:{port}' is this gateway itself.")
{
}
