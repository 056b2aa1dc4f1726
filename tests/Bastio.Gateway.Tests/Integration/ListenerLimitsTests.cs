using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>--max-connections and --keep-alive-timeout on the client listener.</summary>
public sealed class ListenerLimitsTests
{
    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_until_one_of_the_open_ones_goes()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.MaxConnections = 2);
        using var first = new HttpClient { BaseAddress = env.Gateway.Url };
        using var second = new HttpClient { BaseAddress = env.Gateway.Url };
        (await first.GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await second.GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using (var third = new HttpClient { BaseAddress = env.Gateway.Url })
        {
            var refused = () => third.GetAsync("/v1/models");
            await refused.Should().ThrowAsync<HttpRequestException>("two kept-alive connections are the limit");
        }

        first.Dispose();
        await Eventually.UntilAsync(async () =>
        {
            using var fourth = new HttpClient { BaseAddress = env.Gateway.Url };
            return (await fourth.GetAsync("/v1/models")).StatusCode == HttpStatusCode.Unauthorized;
        }, "a connection is accepted again once one closed");
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.KeepAliveTimeout = TimeSpan.FromSeconds(2));
        using var connection = new TcpClient();
        await connection.ConnectAsync(env.Gateway.Url.Host, env.Gateway.Url.Port);
        var stream = connection.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /v1/models HTTP/1.1\r\nHost: gateway\r\n\r\n"));
        var buffer = new byte[8192];
        var read = await stream.ReadAsync(buffer);
        Encoding.ASCII.GetString(buffer, 0, read).Should().StartWith("HTTP/1.1 401").And.NotContain("Connection: close");
        var idle = Stopwatch.StartNew();

        // The server closing the connection ends the stream: a read returns 0.
        (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
        idle.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.5)).And.BeLessThan(TimeSpan.FromSeconds(10), "Kestrel checks the timeout once a second");
    }
}
