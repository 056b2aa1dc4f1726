using System.ClientModel;
using System.Net;
using Bastio.Gateway.Tests.Infrastructure;
using Bastio.StubUpstream;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Success paths through the official OpenAI SDK, and the credential swap as the provider sees it.</summary>
public sealed class ForwardingTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await GatewayTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Chat_through_the_OpenAI_SDK_reaches_the_provider_with_the_provider_key_and_without_the_client_key()
    {
        await _env.CreateProxyAsync("openai");
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");

        ChatCompletion completion = await _env.OpenAI(key).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("hi")]);

        completion.Content[0].Text.Should().Be("Hello from the stub.");
        completion.Usage.InputTokenCount.Should().Be(11);
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        received.Path.Should().Be("/chat/completions");
        received.Header("Authorization").Should().Be("Bearer " + GatewayTestEnvironment.ProviderSecret);
        string.Join("\n", received.Headers.Select(header => header.Key + ": " + header.Value)).Should().NotContain(key);
    }

    [Fact]
    public async Task The_provider_sees_its_own_host_as_Host_and_TLS_server_name_never_the_gateways()
    {
        await _env.CreateProxyAsync("openai");
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");

        using var response = await _env.ChatAsync(key, configure: request => request.Headers.Host = "gateway.example.com");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the stub's certificate is for localhost and validated against the test CA");
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        _env.Stub.Url.Scheme.Should().Be("https");
        received.Host.Should().Be($"localhost:{_env.Stub.Port}");
        received.Sni.Should().Be("localhost");
    }

    [Fact]
    public async Task An_upstream_whose_certificate_is_not_trusted_is_unavailable()
    {
        await using var untrusted = await StubUpstreamServer.StartAsync();
        await _env.CreateProxyAsync("openai", spec => spec.Upstream = untrusted.BaseUrl.ToString());
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");

        using var response = await _env.ChatAsync(key);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, "validation is never off: this stub's CA is not the one the gateway trusts");
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("upstream_unavailable");
        untrusted.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Embeddings_and_models_work_through_the_SDK_and_the_query_string_is_kept()
    {
        await _env.CreateProxyAsync("openai");
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        var client = _env.OpenAI(key);

        OpenAIEmbedding embedding = await client.GetEmbeddingClient("text-embedding-3-small").GenerateEmbeddingAsync("hello");
        var models = await client.GetOpenAIModelClient().GetModelsAsync();
        using var withQuery = await _env.SendAsync(HttpMethod.Get, "/v1/models?limit=2&order=desc", key);

        embedding.ToFloats().Length.Should().Be(3);
        models.Value.Select(model => model.Id).Should().Contain("gpt-4o");
        withQuery.StatusCode.Should().Be(HttpStatusCode.OK);
        _env.Stub.Requests.Should().Contain(request => request.Path == "/models" && request.QueryString == "?limit=2&order=desc");
    }

    [Theory]
    [InlineData("anthropic", "x-api-key", "")]
    [InlineData("azure-openai", "api-key", "")]
    [InlineData("openai-compatible", "Authorization", "Bearer ")]
    public async Task Each_provider_gets_its_own_credential_header_and_no_client_credential(string provider, string header, string prefix)
    {
        await _env.CreateProxyAsync("p", provider: provider);
        var (_, key) = await _env.CreateApiKeyAsync("app", "p");

        using var response = await _env.SendAsync(HttpMethod.Post, "/v1/messages", json: """{"model":"claude-3-5-haiku-latest","max_tokens":5}""", configure: request =>
        {
            request.Headers.Add("x-api-key", key);
            request.Headers.Add("X-Bastio-API-Key", key);
            request.Headers.Add("anthropic-version", "2023-06-01");
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        received.Header(header).Should().Be(prefix + GatewayTestEnvironment.ProviderSecret);
        received.Header("anthropic-version").Should().Be("2023-06-01");
        received.Header("X-Bastio-API-Key").Should().BeNull();
        received.Headers.Values.Should().NotContain(value => value.Contains(key));
    }

    [Fact]
    public async Task Streaming_delivers_the_first_chunk_before_the_provider_sends_the_second()
    {
        await _env.CreateProxyAsync("openai");
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        var firstChunkSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _env.Stub.Options.BeforeChunk = async (index, cancellationToken) =>
        {
            if (index == 1)
            {
                // The stub holds the second chunk until the client has the first: only an unbuffered path passes.
                await firstChunkSeen.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            }
        };

        var chunks = new List<string>();
        await foreach (var update in _env.OpenAI(key).GetChatClient("gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            if (update.ContentUpdate.Count > 0)
            {
                chunks.Add(update.ContentUpdate[0].Text);
                firstChunkSeen.TrySetResult();
            }
        }

        string.Concat(chunks).Should().Be("Hello from the stub.");
    }

    [Fact]
    public async Task Provider_refusing_our_key_becomes_upstream_auth_failed_without_the_providers_body()
    {
        await _env.CreateProxyAsync("openai", withProviderKey: false);
        await _env.CreateProviderKeyAsync("revoked-at-provider", "openai", "sk-provider-revoked-by-openai-xyz");
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");

        using var response = await _env.ChatAsync(key);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain("sk-provider");
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("upstream_auth_failed");
    }

    [Fact]
    public async Task Unreachable_and_slow_upstreams_answer_502_and_504()
    {
        await _env.CreateProxyAsync("dead", spec => spec.Upstream = "http://127.0.0.1:1/v1");
        await _env.CreateProxyAsync("slow", spec => spec.Timeout = "300ms");
        var (_, deadKey) = await _env.CreateApiKeyAsync("dead-app", "dead");
        var (_, slowKey) = await _env.CreateApiKeyAsync("slow-app", "slow");
        _env.Stub.Options.ResponseDelay = TimeSpan.FromSeconds(5);

        using var dead = await _env.ChatAsync(deadKey);
        using var slow = await _env.ChatAsync(slowKey);

        dead.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await GatewayTestEnvironment.ErrorOf(dead)).GetProperty("code").GetString().Should().Be("upstream_unavailable");
        slow.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        (await GatewayTestEnvironment.ErrorOf(slow)).GetProperty("code").GetString().Should().Be("upstream_timeout");
    }

    [Fact]
    public async Task Sdk_errors_surface_as_ClientResultException_with_the_gateway_status()
    {
        await _env.CreateProxyAsync("openai");
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.Permissions = ["embeddings"]);

        var unknown = async () => await _env.OpenAI("bastio_sk_live_notarealkey").GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("hi")]);
        var forbidden = async () => await _env.OpenAI(key).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("hi")]);

        (await unknown.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(401);
        (await forbidden.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(403);
    }
}
