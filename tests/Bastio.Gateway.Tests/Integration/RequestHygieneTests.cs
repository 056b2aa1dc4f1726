using System.Net;
using System.Text;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>What a hostile client sends that must not reach the upstream as sent: spoofed forwarding headers, overrides, dot segments.</summary>
public sealed class RequestHygieneTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Client_forwarding_and_override_headers_never_reach_the_upstream()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        var spoofed = new Dictionary<string, string>
        {
            ["Forwarded"] = "for=198.51.100.9;host=internal",
            ["X-Forwarded-For"] = "198.51.100.9",
            ["X-Forwarded-Host"] = "internal.example",
            ["X-Forwarded-Proto"] = "http",
            ["X-Forwarded-Prefix"] = "/admin",
            ["X-HTTP-Method-Override"] = "DELETE",
            ["X-HTTP-Method"] = "DELETE",
            ["X-Method-Override"] = "DELETE",
            ["X-Original-URL"] = "/admin",
            ["X-Rewrite-URL"] = "/admin",
        };

        using var response = await _env.ChatAsync(key, configure: request =>
        {
            foreach (var (name, value) in spoofed)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Headers.TryAddWithoutValidation("X-Kept", "yes");
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        foreach (var name in spoofed.Keys.Where(name => name != "X-Forwarded-For"))
        {
            received.Header(name).Should().BeNull(name);
        }

        received.Header("X-Forwarded-For").Should().Be("127.0.0.1", "the gateway states the client it resolved, not the one the client claimed");
        received.Header("X-Kept").Should().Be("yes");
        received.Method.Should().Be("POST");
    }

    [Fact]
    public async Task Headers_the_client_names_in_Connection_are_hop_by_hop_and_a_malformed_list_is_no_500()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");

        // Without close or keep-alive in the list: Kestrel reduces a Connection header holding either to that one token.
        using var response = await _env.ChatAsync(key, configure: request =>
        {
            request.Headers.TryAddWithoutValidation("Connection", "X-Internal-Debug, Authorization, not a token,,");
            request.Headers.TryAddWithoutValidation("X-Internal-Debug", "on");
            request.Headers.TryAddWithoutValidation("X-Kept", "yes");
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        received.Header("X-Internal-Debug").Should().BeNull();
        received.Header("X-Kept").Should().Be("yes");
        received.Header("Authorization").Should().Be("Bearer " + GatewayTestEnvironment.ProviderSecret, "the gateway's own headers are set after the client's hop-by-hop list is applied");
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_upstream_gets_the_resolved_client_only()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.TrustedProxies.Add("127.0.0.0/8"));
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");

        using var response = await env.ChatAsync(key, configure: request => request.Headers.Add("X-Forwarded-For", "10.9.9.9, 203.0.113.7"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        env.Stub.Requests.Should().ContainSingle().Which.Header("X-Forwarded-For").Should().Be("203.0.113.7");
    }

    [Theory]
    [InlineData("/v1/../metrics")]
    [InlineData("/v1/chat/../../metrics")]
    [InlineData("/v1/./chat/completions")]
    [InlineData("/v1/%2e%2e/metrics")]
    [InlineData("/v1/%2E%2e/metrics")]
    [InlineData("/v1/.%2e/metrics")]
    [InlineData("/v1/models/..;/..;/metrics")]
    [InlineData("/v1/models/%2e%2e%5c%2e%2e%5cmetrics")]
    [InlineData("/v1/models%2F..%2F..%2Fmetrics")]
    [InlineData("/v1/models/%252e%252e/metrics")]
    public async Task Dot_segments_in_any_spelling_are_refused_before_the_key_is_even_looked_at(string path)
    {
        // No key at all: a 401 would mean the path reached authorization.
        using var request = new HttpRequestMessage(HttpMethod.Get, RawUri(path));

        using var response = await _env.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, path);
        var error = await GatewayTestEnvironment.ErrorOf(response);
        error.GetProperty("code").GetString().Should().Be("invalid_path");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        _env.Stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Backslash_dot_segments_are_refused()
    {
        var response = await SendRawAsync("GET /v1/models/..\\..\\metrics HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");

        response.Should().StartWith("HTTP/1.1 400").And.Contain("invalid_path");
        _env.Stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_encoded_slash_reaches_the_upstream_as_sent_not_double_encoded()
    {
        var (_, key) = await _env.CreateApiKeyAsync("admin", "openai", spec => spec.Permissions = ["admin"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, RawUri("/v1/files/file-abc%2Fdef/content?limit=1"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

        using var response = await _env.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        _env.Stub.Requests.Should().ContainSingle().Which.RawTarget.Should().Be("/v1/files/file-abc%2Fdef/content?limit=1");
    }

    private Uri RawUri(string pathAndQuery) =>
        new(_env.Gateway.Url.ToString().TrimEnd('/') + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private async Task<string> SendRawAsync(string request)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_env.Gateway.Url.Host, _env.Gateway.Url.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        return await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();
    }
}
