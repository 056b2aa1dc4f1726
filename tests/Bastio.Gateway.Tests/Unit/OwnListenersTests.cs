using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Bastio.Gateway.Networking;

namespace Bastio.Gateway.Tests.Unit;

public sealed class OwnListenersTests
{
    private static IPEndPoint At(string address, int port) => new(IPAddress.Parse(address), port);

    [Fact]
    public void A_specific_listener_is_matched_by_its_address_in_either_spelling_and_only_on_its_port()
    {
        var listeners = new OwnListeners();
        listeners.Add("http://127.0.0.1:8080");

        listeners.Contains(At("127.0.0.1", 8080)).Should().BeTrue();
        listeners.Contains(At("::ffff:127.0.0.1", 8080)).Should().BeTrue();
        listeners.Contains(At("127.0.0.1", 8081)).Should().BeFalse();
        listeners.Contains(At("127.0.0.2", 8080)).Should().BeFalse("a socket bound to 127.0.0.1 is not reached through 127.0.0.2");
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("https://[::]:8080")]
    [InlineData("http://localhost:8080")]
    public void A_wildcard_listener_is_reached_through_every_local_address(string bound)
    {
        var listeners = new OwnListeners();
        listeners.Add(bound);
        var interfaceAddress = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(network => network.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .First(address => address.AddressFamily == AddressFamily.InterNetwork);

        listeners.Contains(At("127.0.0.1", 8080)).Should().BeTrue();
        listeners.Contains(At("127.9.9.9", 8080)).Should().BeTrue("all of 127/8 reaches a wildcard listener");
        listeners.Contains(At("::1", 8080)).Should().BeTrue();
        listeners.Contains(At("0.0.0.0", 8080)).Should().BeTrue("connecting to 0.0.0.0 reaches the local host");
        listeners.Contains(new IPEndPoint(interfaceAddress, 8080)).Should().BeTrue();
        listeners.Contains(At("8.8.8.8", 8080)).Should().BeFalse();
        listeners.Contains(At("127.0.0.1", 9090)).Should().BeFalse();
    }
}
