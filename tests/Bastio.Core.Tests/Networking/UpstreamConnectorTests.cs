using System.Net;
using System.Net.Sockets;
using System.Text;
using Bastio.Core.Networking;

namespace Bastio.Core.Tests.Networking;

/// <summary>The connect-time check: the address actually dialled decides, whatever name the URL used.</summary>
public sealed class UpstreamConnectorTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _accepted;

    public UpstreamConnectorTests()
    {
        _listener.Start();
        _ = AnswerAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task A_host_resolving_to_loopback_is_refused_before_connecting(string host)
    {
        using var client = new HttpClient(new UpstreamConnector(UpstreamAddressPolicy.PublicOnly).CreateHandler());

        var send = () => client.GetAsync(new Uri($"http://{host}:{Port}/"));

        var thrown = await send.Should().ThrowAsync<HttpRequestException>();
        thrown.Which.InnerException.Should().BeOfType<UpstreamAddressNotAllowedException>().Which.Message.Should().Contain("--upstream-allow-cidrs");
        Volatile.Read(ref _accepted).Should().Be(0);
    }

    [Fact]
    public async Task An_allowed_address_is_connected_to()
    {
        using var client = new HttpClient(new UpstreamConnector(UpstreamAddressPolicy.Create(["127.0.0.1/32"])).CreateHandler());

        using var response = await client.GetAsync(new Uri($"http://localhost:{Port}/"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "localhost's ::1 is not allowed, its 127.0.0.1 is");
    }

    [Fact]
    public async Task An_endpoint_the_caller_refuses_is_a_loop_and_is_not_dialled()
    {
        IPEndPoint? asked = null;
        var connector = new UpstreamConnector(UpstreamAddressPolicy.Create(["127.0.0.1/32"]), endpoint =>
        {
            asked = endpoint;
            return endpoint.Port == Port;
        });
        using var client = new HttpClient(connector.CreateHandler());

        var send = () => client.GetAsync(new Uri($"http://127.0.0.1:{Port}/"));

        (await send.Should().ThrowAsync<HttpRequestException>()).Which.InnerException.Should().BeOfType<UpstreamLoopException>();
        asked.Should().Be(new IPEndPoint(IPAddress.Loopback, Port));
        Volatile.Read(ref _accepted).Should().Be(0);
    }

    public void Dispose() => _listener.Stop();

    /// <summary>Answers every connection with an empty 200, counting them.</summary>
    private async Task AnswerAsync()
    {
        try
        {
            while (true)
            {
                using var socket = await _listener.AcceptSocketAsync();
                Interlocked.Increment(ref _accepted);
                var buffer = new byte[4096];
                await socket.ReceiveAsync(buffer);
                await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
