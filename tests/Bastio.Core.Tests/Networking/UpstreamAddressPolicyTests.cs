using System.Net;
using Bastio.Core.Networking;

namespace Bastio.Core.Tests.Networking;

/// <summary>The addresses an attacker would aim a Proxy at, in every spelling that reaches them, and the public ones that must keep working.</summary>
public sealed class UpstreamAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.1.2.3", "the whole of 127/8 is loopback")]
    [InlineData("::1", "IPv6 loopback")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped loopback")]
    [InlineData("::127.0.0.1", "IPv4-compatible loopback")]
    [InlineData("0.0.0.0", "unspecified, which Linux connects to the local host")]
    [InlineData("0.1.2.3", "this network")]
    [InlineData("::", "IPv6 unspecified")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped metadata")]
    [InlineData("::ffff:a9fe:a9fe", "IPv4-mapped metadata in hex")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 of the metadata address")]
    [InlineData("64:ff9b::7f00:1", "NAT64 of loopback")]
    [InlineData("2002:7f00:1::", "6to4 of loopback")]
    [InlineData("2002:a9fe:a9fe::1", "6to4 of the metadata address")]
    [InlineData("fe80::1", "IPv6 link-local")]
    [InlineData("fe80::1%1", "IPv6 link-local with a numeric scope")]
    [InlineData("fe80::1%lo", "IPv6 link-local with an interface name")]
    [InlineData("fd00:ec2::254", "AWS's IPv6 metadata address, unique local")]
    [InlineData("10.0.0.1", "private 10/8")]
    [InlineData("10.255.255.255", "private 10/8, last address")]
    [InlineData("172.16.0.1", "private 172.16/12")]
    [InlineData("172.31.255.255", "private 172.16/12, last address")]
    [InlineData("192.168.1.1", "private 192.168/16")]
    [InlineData("::ffff:10.0.0.1", "IPv4-mapped private")]
    [InlineData("100.64.0.1", "shared address space (CGNAT)")]
    [InlineData("100.127.255.255", "shared address space, last address")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("ff02::1", "IPv6 multicast")]
    [InlineData("fc00::", "unique local")]
    [InlineData("fd12:3456::1", "unique local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo tunnels to any IPv4 address")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    public void Internal_addresses_are_refused_by_default(string address, string what) =>
        UpstreamAddressPolicy.PublicOnly.IsAllowed(IPAddress.Parse(address)).Should().BeFalse(what);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("104.18.7.192")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001:82b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_unicast_addresses_are_allowed(string address) =>
        UpstreamAddressPolicy.PublicOnly.IsAllowed(IPAddress.Parse(address)).Should().BeTrue();

    [Fact]
    public void Allow_cidrs_widen_exactly_the_listed_networks_in_every_spelling()
    {
        var policy = UpstreamAddressPolicy.Create(["127.0.0.1/32", " 10.0.0.0/8 ", "fd00::/8", "::1"]);

        policy.IsAllowed(IPAddress.Parse("127.0.0.1")).Should().BeTrue();
        policy.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1")).Should().BeTrue("an allowance holds in the mapped spelling too");
        policy.IsAllowed(IPAddress.Parse("10.20.30.40")).Should().BeTrue();
        policy.IsAllowed(IPAddress.Parse("fd12::1")).Should().BeTrue();
        policy.IsAllowed(IPAddress.Parse("::1")).Should().BeTrue("a bare address is one host");
        policy.IsAllowed(IPAddress.Parse("8.8.8.8")).Should().BeTrue("public addresses stay allowed");

        policy.IsAllowed(IPAddress.Parse("127.0.0.2")).Should().BeFalse("only the listed host of 127/8");
        policy.IsAllowed(IPAddress.Parse("169.254.169.254")).Should().BeFalse("metadata is not in any listed network");
        policy.IsAllowed(IPAddress.Parse("192.168.1.1")).Should().BeFalse();
        policy.IsAllowed(IPAddress.Parse("fe80::1")).Should().BeFalse();
        policy.Allowed.Should().HaveCount(4);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("::1/129")]
    [InlineData("localhost")]
    [InlineData("10.0.0.1/")]
    [InlineData("")]
    public void An_invalid_entry_is_named(string entry)
    {
        UpstreamAddressPolicy.TryCreate(["10.0.0.0/8", entry], out var policy, out var invalid).Should().BeFalse();

        policy.Should().BeNull();
        invalid.Should().Be(entry);
        var create = () => UpstreamAddressPolicy.Create([entry]);
        create.Should().Throw<ArgumentException>().WithMessage("--upstream-allow-cidrs:*");
    }

    [Fact]
    public void No_entries_is_the_public_only_default() =>
        UpstreamAddressPolicy.Create([]).Should().BeSameAs(UpstreamAddressPolicy.PublicOnly);
}
