using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Bastio.Core.Networking;

/// <summary>
/// Which addresses a Proxy upstream may connect to, shared by the gateway and the operator's
/// validation client so both refuse the same things. By default only public unicast addresses are
/// allowed: loopback, link-local (cloud metadata at 169.254.169.254 included), private, shared
/// (CGNAT), unspecified, multicast, reserved and documentation ranges are refused, as are IPv6 forms
/// that embed an IPv4 address (mapped, compatible, NAT64, 6to4), which are judged by that address.
/// <c>--upstream-allow-cidrs</c> widens the set (for an in-cluster model server, say).
/// The check is applied to the resolved address at connect time (<see cref="UpstreamConnector"/>),
/// so a name that resolves, or later rebinds, to a refused address is refused.
/// </summary>
public sealed class UpstreamAddressPolicy
{
    private static readonly IPNetwork[] RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),         // private
        IPNetwork.Parse("100.64.0.0/10"),      // shared address space (CGNAT)
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, cloud metadata
        IPNetwork.Parse("172.16.0.0/12"),      // private
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),       // documentation
        IPNetwork.Parse("192.88.99.0/24"),     // 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"),     // private
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),    // documentation
        IPNetwork.Parse("203.0.113.0/24"),     // documentation
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, broadcast
    ];

    private static readonly IPNetwork[] RefusedV6 =
    [
        IPNetwork.Parse("::/128"),             // unspecified
        IPNetwork.Parse("::1/128"),            // loopback
        IPNetwork.Parse("100::/64"),           // discard
        IPNetwork.Parse("2001::/32"),          // Teredo (tunnels to arbitrary IPv4)
        IPNetwork.Parse("2001:db8::/32"),      // documentation
        IPNetwork.Parse("fc00::/7"),           // unique local (private)
        IPNetwork.Parse("fe80::/10"),          // link-local
        IPNetwork.Parse("fec0::/10"),          // site-local (deprecated, still routed privately)
        IPNetwork.Parse("ff00::/8"),           // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowed;

    private UpstreamAddressPolicy(IPNetwork[] allowed) => _allowed = allowed;

    /// <summary>Public unicast addresses only: the default.</summary>
    public static UpstreamAddressPolicy PublicOnly { get; } = new([]);

    /// <summary>The networks <c>--upstream-allow-cidrs</c> added.</summary>
    public IReadOnlyList<IPNetwork> Allowed => _allowed;

    /// <summary>
    /// The default policy widened by <paramref name="allowCidrs"/> (IPv4/IPv6 CIDRs; a bare address is
    /// one host). On failure <paramref name="invalid"/> names the first bad entry.
    /// </summary>
    public static bool TryCreate(IEnumerable<string> allowCidrs, [NotNullWhen(true)] out UpstreamAddressPolicy? policy, [NotNullWhen(false)] out string? invalid)
    {
        ArgumentNullException.ThrowIfNull(allowCidrs);
        var networks = new List<IPNetwork>();
        foreach (var entry in allowCidrs)
        {
            var text = entry.Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                policy = null;
                invalid = entry;
                return false;
            }
        }

        policy = networks.Count == 0 ? PublicOnly : new UpstreamAddressPolicy([.. networks]);
        invalid = null;
        return true;
    }

    /// <summary>As <see cref="TryCreate"/>, throwing <see cref="ArgumentException"/> naming the flag.</summary>
    public static UpstreamAddressPolicy Create(IEnumerable<string> allowCidrs) =>
        TryCreate(allowCidrs, out var policy, out var invalid) ? policy
        : throw new ArgumentException($"--upstream-allow-cidrs: '{invalid}' is not an IP address or CIDR.", nameof(allowCidrs));

    /// <summary>Whether an upstream connection to <paramref name="address"/> is allowed.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv6LinkLocal && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        // An explicit allowance wins in either spelling of the address.
        if (InAllowed(address) || (Embedded(address) is { } inner && InAllowed(inner)))
        {
            return true;
        }

        if (Embedded(address) is { } embedded)
        {
            return IsPublicV4(embedded);
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address),
            AddressFamily.InterNetworkV6 => !Array.Exists(RefusedV6, network => network.Contains(address)),
            _ => false,
        };
    }

    private bool InAllowed(IPAddress address)
    {
        foreach (var network in _allowed)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPublicV4(IPAddress address) => !Array.Exists(RefusedV4, network => network.Contains(address));

    /// <summary>The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (Nat64.Contains(address) || IsCompatible(bytes))
        {
            return new IPAddress(bytes[12..]);
        }

        if (SixToFour.Contains(address))
        {
            return new IPAddress(bytes[2..6]);
        }

        return null;
    }

    /// <summary>Deprecated IPv4-compatible form <c>::a.b.c.d</c>; <c>::</c> and <c>::1</c> land in 0.0.0.0/8 and are refused either way.</summary>
    private static bool IsCompatible(ReadOnlySpan<byte> bytes) => bytes[..12].IndexOfAnyExcept((byte)0) < 0;
}
