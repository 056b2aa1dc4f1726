using System.Net;
using System.Text;
using System.Text.Json;
using Bastio.Crds;
using Bastio.Gateway.Tests.Infrastructure;
using OpenAI.Chat;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Rate limits under concurrency, hostile input, usage, metrics and leak scans.</summary>
public sealed class EdgeCaseTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task With_many_concurrent_clients_exactly_burst_requests_pass()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.RateLimit = new RateLimit { Requests = 1, Period = "hour", Burst = 7 });
        using var start = new SemaphoreSlim(0);

        var calls = Enumerable.Range(0, 40).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await _env.ChatAsync(key);
            return response.StatusCode;
        }).ToList();
        start.Release(40);
        var statuses = await Task.WhenAll(calls);

        statuses.Count(status => status == HttpStatusCode.OK).Should().Be(7);
        statuses.Count(status => status == HttpStatusCode.TooManyRequests).Should().Be(33);
        _env.Stub.Requests.Should().HaveCount(7);
    }

    [Fact]
    public async Task A_plan_from_the_proxy_applies_and_the_sdk_sees_429()
    {
        await _env.CreateProxyAsync("planned", spec => spec.Plans = new() { ["free"] = new RateLimit { Requests = 1, Period = "day" } });
        var (_, key) = await _env.CreateApiKeyAsync("app", "planned", spec => spec.Plan = "free");
        var chat = _env.OpenAI(key).GetChatClient("gpt-4o-mini");

        await chat.CompleteChatAsync([new UserChatMessage("one")]);
        var second = async () => await chat.CompleteChatAsync([new UserChatMessage("two")]);

        (await second.Should().ThrowAsync<System.ClientModel.ClientResultException>()).Which.Status.Should().Be(429);
    }

    [Fact]
    public async Task A_spoofed_X_Forwarded_For_from_an_untrusted_peer_is_ignored()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.IpAllowList = ["203.0.113.7"]);

        using var response = await _env.ChatAsync(key, configure: request => request.Headers.Add("X-Forwarded-For", "203.0.113.7"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("ip_not_allowed");
    }

    [Theory]
    [InlineData("203.0.113.7", HttpStatusCode.OK)]
    [InlineData("203.0.113.7, 127.0.0.5", HttpStatusCode.OK)]
    [InlineData("203.0.113.7, 198.51.100.1", HttpStatusCode.Forbidden)]
    [InlineData("garbage", HttpStatusCode.Forbidden)]
    public async Task Behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_the_client(string forwardedFor, HttpStatusCode expected)
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.TrustedProxies.Add("127.0.0.0/8"));
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai", spec => spec.IpAllowList = ["203.0.113.7"]);

        using var response = await env.ChatAsync(key, configure: request => request.Headers.Add("X-Forwarded-For", forwardedFor));

        response.StatusCode.Should().Be(expected);
    }

    [Fact]
    public async Task Oversized_and_malformed_input_gets_a_precise_4xx_never_a_500()
    {
        await _env.CreateProxyAsync("limited", spec => spec.AllowedModels = ["gpt-4o-mini"]);
        var (_, key) = await _env.CreateApiKeyAsync("app", "limited");
        var huge = "{\"model\":\"gpt-4o-mini\",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";

        var cases = new (string What, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string? Code)[]
        {
            ("huge header", () => _env.ChatAsync("bastio_sk_live_" + new string('a', 70_000)), HttpStatusCode.RequestHeaderFieldsTooLarge, null),
            ("long key", () => _env.ChatAsync("bastio_sk_live_" + new string('a', 5_000)), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("non-ASCII key", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", json: "{}", configure: r => r.Headers.TryAddWithoutValidation("X-Bastio-API-Key", "bastio_sk_live_ü€")), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("basic auth", () => _env.ChatAsync(null, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Basic Zm9vOmJhcg==")), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("broken json", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, "{\"model\": \"gpt-4o-mini\""), HttpStatusCode.BadRequest, "invalid_json"),
            ("json array", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, "[1,2]"), HttpStatusCode.BadRequest, "invalid_json"),
            ("no model", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, "{\"messages\":[]}"), HttpStatusCode.BadRequest, "missing_model"),
            ("not json", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, configure: r => r.Content = new StringContent("model=gpt-4o", Encoding.UTF8, "text/plain")), HttpStatusCode.BadRequest, "invalid_json"),
            ("over 1 MiB", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, huge), HttpStatusCode.RequestEntityTooLarge, "request_too_large"),
            ("over 1 MiB chunked", () => _env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, configure: r =>
            {
                r.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
                r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                r.Headers.TransferEncodingChunked = true;
            }), HttpStatusCode.RequestEntityTooLarge, "request_too_large"),
        };

        foreach (var (what, send, status, code) in cases)
        {
            using var response = await send();
            response.StatusCode.Should().Be(status, what);
            if (code is not null)
            {
                (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be(code, what);
            }
        }

        _env.Stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Usage_from_json_and_streamed_answers_reaches_v1_usage_and_metrics()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.Permissions = ["chat", "analytics"]);
        var chat = _env.OpenAI(key).GetChatClient("gpt-4o-mini");
        await chat.CompleteChatAsync([new UserChatMessage("hi")]);
        await foreach (var _ in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
        }

        using var usage = await _env.SendAsync(HttpMethod.Get, "/v1/usage", key);
        var metrics = await _env.Http.GetStringAsync(new Uri(_env.Gateway.AdminUrl, "metrics"));

        usage.StatusCode.Should().Be(HttpStatusCode.OK);
        var data = JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var row = data.EnumerateArray().Should().ContainSingle().Subject;
        row.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        row.GetProperty("requests").GetInt64().Should().Be(2);
        row.GetProperty("prompt_tokens").GetInt64().Should().Be(22);
        row.GetProperty("completion_tokens").GetInt64().Should().Be(14);
        var keyId = key.Substring("bastio_sk_live_".Length, 12);
        metrics.Should().MatchRegex($"bastio_gateway_tokens_total\\{{[^}}]*key_id=\"{keyId}\"[^}}]*kind=\"completion\"[^}}]*\\}} 14");
        metrics.Should().Contain("bastio_gateway_requests_total{").And.Contain("bastio_gateway_config_keys")
            .And.Contain("bastio_gateway_overhead_seconds_bucket").And.Contain("bastio_gateway_config_age_seconds");
    }

    /// <summary>The admin port's <c>/metrics</c>, scraped as Prometheus does: the text format by default, OpenMetrics when asked.</summary>
    [Theory]
    [InlineData(false, "text/plain; version=0.0.4")]
    [InlineData(true, "application/openmetrics-text; version=1.0.0")]
    public async Task Metrics_are_served_in_the_negotiated_format_under_the_documented_names(bool openMetrics, string contentType)
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        using (var answered = await _env.ChatAsync(key))
        using (var refused = await _env.ChatAsync("bastio_sk_live_not-a-key"))
        {
            answered.StatusCode.Should().Be(HttpStatusCode.OK);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var scrape = await MetricsScrape.GetAsync(_env.Http, new Uri(_env.Gateway.AdminUrl, "metrics"), openMetrics);

        scrape.ContentType.Should().StartWith(contentType);
        if (openMetrics)
        {
            scrape.Text.Should().EndWith("\n# EOF\n");
        }

        var keyId = key.Substring("bastio_sk_live_".Length, 12);
        scrape.Value("bastio_gateway_requests_total", $"key_id=\"{keyId}\"", "code=\"200\"", "proxy=\"openai\"", "namespace=\"team-a\"").Should().Be(1);
        scrape.Value("bastio_gateway_rejections_total", "reason=\"invalid_api_key\"").Should().Be(1);
        scrape.Value("bastio_gateway_tokens_total", $"key_id=\"{keyId}\"", "kind=\"prompt\"").Should().BeGreaterThan(0);
        scrape.Value("bastio_gateway_overhead_seconds_count").Should().Be(2);
        scrape.Value("bastio_gateway_request_duration_seconds_count").Should().Be(2);
        scrape.Value("bastio_gateway_overhead_seconds_bucket", "le=\"+Inf\"").Should().Be(2);
        scrape.Value("bastio_gateway_config_keys").Should().Be(1);
        scrape.Value("bastio_gateway_config_age_seconds").Should().BeGreaterThanOrEqualTo(0);
        scrape.Value("bastio_gateway_store_up").Should().Be(1);
        scrape.Types.Should().ContainKey(openMetrics ? "bastio_gateway_watch_restarts" : "bastio_gateway_watch_restarts_total");
        scrape.Text.Should().NotContain("otel_scope_").And.NotContain(key, "a key never appears in a label");
        scrape.Value("target_info", "service_name=\"bastio-gateway\"").Should().Be(1);
    }

    [Fact]
    public async Task Usage_needs_the_analytics_permission()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.Permissions = ["chat"]);

        using var response = await _env.SendAsync(HttpMethod.Get, "/v1/usage", key);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("message").GetString().Should().Contain("'analytics'");
    }

    [Fact]
    public async Task No_key_material_reaches_logs_access_log_or_metrics()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.RateLimit = new RateLimit { Requests = 1, Period = "hour" });
        await _env.CreateProxyAsync("refused", withProviderKey: false);
        const string refusedProviderKey = "sk-provider-that-the-provider-refuses-42";
        await _env.CreateProviderKeyAsync("refused-pk", "refused", refusedProviderKey);
        var (_, refusedKey) = await _env.CreateApiKeyAsync("refused-app", "refused");
        var wrongSecret = Bastio.Core.Keys.ClientKey.Generate(Bastio.Core.Keys.KeyEnvironment.Live, key.Substring("bastio_sk_live_".Length, 12));

        foreach (var candidate in new[] { key, key, wrongSecret, refusedKey, "bastio_sk_live_malformed-secret-material" })
        {
            using var _ = await _env.ChatAsync(candidate);
        }

        var metrics = await _env.Http.GetStringAsync(new Uri(_env.Gateway.AdminUrl, "metrics"));
        await Eventually.UntilAsync(() => Task.FromResult(_env.AccessLog.Lines().Length >= 5), "the access log has every request");
        var everything = string.Join("\n", _env.Logs.Lines) + "\n" + string.Join("\n", _env.AccessLog.Lines()) + "\n" + metrics;

        foreach (var secret in new[] { key, key[^38..], wrongSecret[^38..], refusedKey[^38..], GatewayTestEnvironment.ProviderSecret, refusedProviderKey, "malformed-secret-material" })
        {
            everything.Should().NotContain(secret);
        }

        var line = JsonDocument.Parse(_env.AccessLog.Lines()[0]).RootElement;
        foreach (var field in new[] { "request_id", "key_id", "proxy", "route", "status", "reason", "client_ip", "upstream_ms", "overhead_ms" })
        {
            line.TryGetProperty(field, out _).Should().BeTrue(field);
        }
    }
}
