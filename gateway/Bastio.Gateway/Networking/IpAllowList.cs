using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Bastio.Gateway.Networking;

/// <summary>
/// A set of IPv4/IPv6 networks from a Proxy's or ApiKey's <c>ipAllowList</c> (or <c>--trusted-proxies</c>).
/// A bare address means a single host. IPv4-mapped IPv6 addresses match their IPv4 networks, because a
/// dual-stack listener reports IPv4 clients in that form.
/// </summary>
internal sealed class IpAllowList
{
    private readonly IPNetwork[] _networks;

    private IpAllowList(IPNetwork[] networks) => _networks = networks;

    public IReadOnlyList<IPNetwork> Networks => _networks;

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses every entry; on failure <paramref name="invalid"/> names the first bad entry.</summary>
    public static bool TryParse(IEnumerable<string> entries, [NotNullWhen(true)] out IpAllowList? list, [NotNullWhen(false)] out string? invalid)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (!TryParseNetwork(entry.AsSpan().Trim(), out var network))
            {
                list = null;
                invalid = entry;
                return false;
            }

            networks.Add(network);
        }

        list = new IpAllowList([.. networks]);
        invalid = null;
        return true;
    }

    public static IpAllowList Parse(IEnumerable<string> entries) =>
        TryParse(entries, out var list, out var invalid) ? list : throw new FormatException($"'{invalid}' is not an IP address or CIDR.");

    /// <summary>
    /// Accepts <c>10.0.0.0/8</c>, <c>2001:db8::/32</c> and bare addresses. Host bits set in a CIDR
    /// (<c>10.1.2.3/8</c>) are cleared rather than refused: the intent is unambiguous.
    /// </summary>
    private static bool TryParseNetwork(ReadOnlySpan<char> text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
        {
            return false;
        }

        network = new IPNetwork(Mask(address, prefix), prefix);
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
