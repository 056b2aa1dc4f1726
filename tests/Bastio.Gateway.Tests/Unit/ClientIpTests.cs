using System.Net;
using Bastio.Gateway.Networking;

namespace Bastio.Gateway.Tests.Unit;

public sealed class ClientIpTests
{
    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.200.0.1", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("2001:db8:ffff::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("192.0.2.5", true)]
    [InlineData("192.0.2.6", false)]
    public void Allow_lists_match_IPv4_IPv6_and_mapped_addresses(string address, bool allowed)
    {
        var list = IpAllowList.Parse(["10.0.0.0/8", "2001:db8::/32", "192.0.2.5", "172.16.1.1/12"]);

        list.Contains(IPAddress.Parse(address)).Should().Be(allowed);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.0.0.0/-1")]
    public void Bad_entries_are_refused_with_their_name(string entry)
    {
        IpAllowList.TryParse(["10.0.0.0/8", entry], out _, out var invalid).Should().BeFalse();
        invalid.Should().Be(entry);
    }

    [Theory]
    [InlineData("198.51.100.9", "203.0.113.7", "198.51.100.9")]
    [InlineData("127.0.0.1", "203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7")]
    [InlineData("127.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3")]
    [InlineData("127.0.0.1", "[2001:db8::5]:4711", "2001:db8::5")]
    [InlineData("127.0.0.1", "nonsense, 10.0.0.2", "10.0.0.2")]
    public void The_right_most_untrusted_entry_is_the_client(string peer, string forwardedFor, string expected)
    {
        var resolver = new ClientIpResolver(IpAllowList.Parse(["127.0.0.0/8", "10.0.0.0/8"]));

        resolver.Resolve(IPAddress.Parse(peer), forwardedFor).Should().Be(IPAddress.Parse(expected));
    }

    [Fact]
    public void Without_trusted_proxies_the_header_is_ignored() =>
        new ClientIpResolver(null).Resolve(IPAddress.Loopback, "203.0.113.7").Should().Be(IPAddress.Loopback);
}
