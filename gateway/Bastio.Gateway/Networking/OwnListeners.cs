using System.Collections.Immutable;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Bastio.Gateway.Networking;

/// <summary>
/// The endpoints this gateway listens on (client and admin), so the upstream connector can refuse to
/// dial one of them: a Proxy whose upstream is the gateway itself would otherwise forward to itself.
/// A wildcard listener (<c>0.0.0.0</c> or <c>::</c>) is reached through every local address, so for it
/// any loopback, unspecified or interface address on its port counts.
/// </summary>
internal sealed class OwnListeners
{
    private ImmutableArray<IPEndPoint> _endpoints = [];

    /// <summary>
    /// Adds a bound listener by the address Kestrel reports for it (<c>http://127.0.0.1:8080</c>,
    /// <c>https://[::]:8443</c>); a host name (<c>localhost</c>) counts as every local address.
    /// </summary>
    public void Add(string boundUrl)
    {
        var url = new Uri(boundUrl);
        Add(new IPEndPoint(IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) ? address : IPAddress.IPv6Any, url.Port));
    }

    /// <summary>Adds a bound listener.</summary>
    public void Add(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ImmutableInterlocked.Update(ref _endpoints, static (endpoints, added) => endpoints.Add(added), new IPEndPoint(Normalize(endpoint.Address), endpoint.Port));
    }

    /// <summary>Whether dialling <paramref name="dialled"/> would reach one of this gateway's listeners.</summary>
    public bool Contains(IPEndPoint dialled)
    {
        ArgumentNullException.ThrowIfNull(dialled);
        var address = Normalize(dialled.Address);
        foreach (var listener in _endpoints)
        {
            if (listener.Port != dialled.Port)
            {
                continue;
            }

            if (listener.Address.Equals(address) || (IsWildcard(listener.Address) && IsLocal(address)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>Whether <paramref name="address"/> is this machine's: the whole loopback range, "any", or an interface address.</summary>
    private static bool IsLocal(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || IsWildcard(address))
        {
            return true;
        }

        // Enumerated on each check (only for a dialled port that matches a wildcard listener), so
        // addresses added after start are seen.
        foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in network.GetIPProperties().UnicastAddresses)
            {
                if (Normalize(unicast.Address).Equals(address))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>IPv4-mapped IPv6 as IPv4, and without an IPv6 scope, so one address has one spelling.</summary>
    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }
}
