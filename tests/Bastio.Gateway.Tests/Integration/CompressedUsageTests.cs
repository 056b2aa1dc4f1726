using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Usage is counted when the upstream compresses its answer, as it does for every official SDK.</summary>
public sealed class CompressedUsageTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task Json_and_streamed_answers_are_counted_and_reach_the_client_as_the_upstream_encoded_them(string coding)
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.Permissions = ["chat", "analytics"]);

        var json = await ChatAsync(key, coding, stream: false);
        var streamed = await ChatAsync(key, coding, stream: true);

        json.Should().Contain("\"content\":\"Hello from the stub.\"");
        streamed.Should().Contain("data: [DONE]");
        using var usage = await _env.SendAsync(HttpMethod.Get, "/v1/usage", key);
        var row = JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement.GetProperty("data").EnumerateArray().Should().ContainSingle().Subject;
        row.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        row.GetProperty("requests").GetInt64().Should().Be(2);
        row.GetProperty("prompt_tokens").GetInt64().Should().Be(22);
        row.GetProperty("completion_tokens").GetInt64().Should().Be(14);
        var metrics = await _env.Http.GetStringAsync(new Uri(_env.Gateway.AdminUrl, "metrics"));
        var keyId = key.Substring("bastio_sk_live_".Length, 12);
        metrics.Should().MatchRegex($"bastio_gateway_tokens_total\\{{[^}}]*key_id=\"{keyId}\"[^}}]*kind=\"prompt\"[^}}]*\\}} 22");
    }

    [Fact]
    public async Task A_coding_the_gateway_cannot_decode_is_not_offered_to_the_upstream()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.Permissions = ["chat", "analytics"]);

        using var response = await _env.ChatAsync(key, configure: request => request.Headers.TryAddWithoutValidation("Accept-Encoding", "zstd, br;q=0.5"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _env.Stub.Requests.Should().ContainSingle().Which.Header("Accept-Encoding").Should().Be("br; q=0.5");
        response.Content.Headers.ContentEncoding.Should().Equal("br");
    }

    /// <summary>Sends a chat request accepting only <paramref name="coding"/>, checks the answer came encoded, and returns it decoded.</summary>
    private async Task<string> ChatAsync(string key, string coding, bool stream)
    {
        using var response = await _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key,
            $$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
            request => request.Headers.TryAddWithoutValidation("Accept-Encoding", coding));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.Should().Equal([coding], "the client gets the upstream's encoded bytes");
        var encoded = await response.Content.ReadAsStreamAsync();
        using Stream decoded = coding switch
        {
            "gzip" => new GZipStream(encoded, CompressionMode.Decompress),
            "deflate" => new ZLibStream(encoded, CompressionMode.Decompress),
            _ => new BrotliStream(encoded, CompressionMode.Decompress),
        };
        return await new StreamReader(decoded, Encoding.UTF8).ReadToEndAsync();
    }
}
