using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>SIGTERM and SIGINT sent to the real gateway process while a stream is in flight.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_fails_readiness_at_once_closes_the_listener_after_the_delay_lets_the_stream_finish_and_exits_0(string signal)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        env.Stub.Options.BeforeChunk = async (index, cancellationToken) =>
        {
            if (index == 1)
            {
                await release.Task.WaitAsync(cancellationToken);
            }
        };
        await using var gateway = await GatewayProcess.StartAsync(env, "--shutdown-delay", "5s", "--shutdown-timeout", "60s");
        using var client = new HttpClient { BaseAddress = gateway.Url };
        using var response = await StartStreamAsync(client, key);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await ReadLineContainingAsync(stream, "Hello")).Should().NotBeNull("the first chunk arrives before the signal");

        var signalled = Stopwatch.StartNew();
        gateway.Signal(signal);

        using var probe = new HttpClient();
        await Eventually.UntilAsync(async () => (await probe.GetAsync(new Uri(gateway.AdminUrl, "readyz"))).StatusCode == HttpStatusCode.ServiceUnavailable,
            "/readyz answers 503 right after the signal", timeout: TimeSpan.FromSeconds(3));
        using (var fresh = new HttpClient { BaseAddress = gateway.Url })
        {
            using var models = await fresh.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, "/v1/models"), key));
            models.StatusCode.Should().Be(HttpStatusCode.OK, "new connections are still served during the delay, while endpoints are being removed");
        }

        await Eventually.UntilAsync(() => Task.FromResult(IsRefused(gateway.Url)), "the client listener closes", timeout: TimeSpan.FromSeconds(30));
        signalled.Elapsed.Should().BeGreaterThanOrEqualTo(Delay, "connections are accepted for the whole delay");
        release.SetResult();
        var rest = await stream.ReadToEndAsync();
        rest.Should().Contain("\" from\"").And.Contain("\" stub\"").And.Contain("data: [DONE]", "the in-flight stream completes fully");
        (await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
    }

    [Fact]
    public async Task A_stream_still_running_at_the_shutdown_timeout_is_cut_and_the_process_exits_0_in_time()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var never = new TaskCompletionSource();
        env.Stub.Options.BeforeChunk = async (index, cancellationToken) =>
        {
            if (index == 1)
            {
                await never.Task.WaitAsync(cancellationToken);
            }
        };
        var timeout = TimeSpan.FromSeconds(6);
        await using var gateway = await GatewayProcess.StartAsync(env, "--shutdown-delay", "1s", "--shutdown-timeout", "6s");
        using var client = new HttpClient { BaseAddress = gateway.Url };
        using var response = await StartStreamAsync(client, key);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await ReadLineContainingAsync(stream, "Hello")).Should().NotBeNull();

        var signalled = Stopwatch.StartNew();
        gateway.Signal("TERM");

        (await gateway.WaitForExitAsync(timeout + TimeSpan.FromSeconds(10))).Should().Be(0);
        signalled.Elapsed.Should().BeGreaterThanOrEqualTo(timeout - TimeSpan.FromSeconds(1), "the stream is given until the timeout");
        var read = async () => await stream.ReadToEndAsync();
        (await read.Should().ThrowAsync<Exception>()).Which.Should().BeAssignableTo<IOException>("the cut stream ends abruptly, not with [DONE]");
    }

    [Fact]
    public async Task A_second_signal_cuts_the_wait_short()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var never = new TaskCompletionSource();
        env.Stub.Options.BeforeChunk = async (index, cancellationToken) =>
        {
            if (index == 1)
            {
                await never.Task.WaitAsync(cancellationToken);
            }
        };
        await using var gateway = await GatewayProcess.StartAsync(env, "--shutdown-delay", "30s", "--shutdown-timeout", "2m");
        using var client = new HttpClient { BaseAddress = gateway.Url };
        using var response = await StartStreamAsync(client, key);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await ReadLineContainingAsync(stream, "Hello")).Should().NotBeNull();

        gateway.Signal("INT");
        using var probe = new HttpClient();
        await Eventually.UntilAsync(async () => (await probe.GetAsync(new Uri(gateway.AdminUrl, "readyz"))).StatusCode == HttpStatusCode.ServiceUnavailable, "the first signal is taken");
        var forced = Stopwatch.StartNew();
        gateway.Signal("INT");

        (await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0);
        forced.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "a second Ctrl-C does not wait out the 30 s delay and the 2 min timeout");
    }

    private static async Task<HttpResponseMessage> StartStreamAsync(HttpClient client, string key)
    {
        using var request = WithKey(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        }, key);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return response;
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static async Task<string?> ReadLineContainingAsync(StreamReader reader, string text)
    {
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    private static bool IsRefused(Uri url)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(url.Host, url.Port);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }
}
