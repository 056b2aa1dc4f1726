using System.Net;
using System.Text.Json;
using Bastio.Core.Keys;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Each row of the checks table (docs/reference/gateway.md#order-of-checks) with its exact status, type, code, details and headers.</summary>
public sealed class ChecksTableTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private static async Task<JsonElement> ShouldBeError(HttpResponseMessage response, HttpStatusCode status, string type, string code)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var error = await GatewayTestEnvironment.ErrorOf(response);
        error.GetProperty("type").GetString().Should().Be(type);
        error.GetProperty("code").GetString().Should().Be(code);
        error.GetProperty("param").ValueKind.Should().Be(JsonValueKind.Null);
        error.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Headers.GetValues("x-should-retry").Should().Equal("false");
        }

        return error;
    }

    [Fact]
    public async Task Row2_no_credential_is_missing_api_key()
    {
        using var response = await _env.ChatAsync(key: null);

        await ShouldBeError(response, HttpStatusCode.Unauthorized, "authentication_error", "missing_api_key");
        _env.Stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Row3_malformed_bad_checksum_unknown_id_and_wrong_secret_give_one_identical_answer()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        var keyId = key.Substring("bastio_sk_live_".Length, ClientKey.KeyIdLength);
        var wrongSecret = ClientKey.Generate(KeyEnvironment.Live, keyId);
        var badChecksum = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        var unknownId = ClientKey.Generate(KeyEnvironment.Live, ClientKey.NewKeyId());
        var wrongEnvironment = ClientKey.Generate(KeyEnvironment.Test, keyId);

        var bodies = new List<string>();
        foreach (var candidate in new[] { "not-a-key", badChecksum, unknownId, wrongSecret, wrongEnvironment })
        {
            using var response = await _env.ChatAsync(candidate);
            await ShouldBeError(response, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        bodies.Distinct().Should().ContainSingle("the four failures must be indistinguishable");
    }

    [Theory]
    [InlineData("""{"revoked": true}""", "revoked_api_key")]
    [InlineData("""{"disabled": true}""", "disabled_api_key")]
    public async Task Row4_revoked_and_disabled_keys(string patch, string code)
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        await _env.PatchApiKeyAsync("app", patch);

        await Eventually.UntilAsync(async () =>
        {
            using var probe = await _env.ChatAsync(key);
            return probe.StatusCode == HttpStatusCode.Unauthorized;
        }, "the key is refused");
        using var response = await _env.ChatAsync(key);

        await ShouldBeError(response, HttpStatusCode.Unauthorized, "authentication_error", code);
    }

    [Fact]
    public async Task Row4_expired_key_names_when_it_expired()
    {
        var expiredAt = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.ExpiresAt = expiredAt);

        using var response = await _env.ChatAsync(key);

        var error = await ShouldBeError(response, HttpStatusCode.Unauthorized, "authentication_error", "expired_api_key");
        error.GetProperty("details").GetProperty("expired_at").GetString().Should().Be("2025-03-01T12:00:00Z");
    }

    [Fact]
    public async Task Row5_client_ip_outside_the_key_or_the_proxy_allow_list()
    {
        await _env.CreateProxyAsync("fenced", spec => spec.IpAllowList = ["10.0.0.0/8"]);
        var (_, keyOnFencedProxy) = await _env.CreateApiKeyAsync("on-fenced", "fenced");
        var (_, fencedKey) = await _env.CreateApiKeyAsync("fenced-key", "openai", spec => spec.IpAllowList = ["192.168.0.0/16", "2001:db8::/32"]);
        var (_, loopbackKey) = await _env.CreateApiKeyAsync("loopback-key", "openai", spec => spec.IpAllowList = ["127.0.0.1"]);

        using var byProxy = await _env.ChatAsync(keyOnFencedProxy);
        using var byKey = await _env.ChatAsync(fencedKey);
        using var allowed = await _env.ChatAsync(loopbackKey);

        await ShouldBeError(byProxy, HttpStatusCode.Forbidden, "permission_error", "ip_not_allowed");
        await ShouldBeError(byKey, HttpStatusCode.Forbidden, "permission_error", "ip_not_allowed");
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Row6_route_needing_a_missing_permission_names_the_permission()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.Permissions = ["chat"]);

        using var embeddings = await _env.SendAsync(HttpMethod.Post, "/v1/embeddings", key, """{"model":"text-embedding-3-small","input":"x"}""");
        using var unknownRoute = await _env.SendAsync(HttpMethod.Post, "/v1/fine_tuning/jobs", key, "{}");
        using var chat = await _env.ChatAsync(key);

        var error = await ShouldBeError(embeddings, HttpStatusCode.Forbidden, "permission_error", "insufficient_permissions");
        error.GetProperty("message").GetString().Should().Contain("'embeddings'");
        (await ShouldBeError(unknownRoute, HttpStatusCode.Forbidden, "permission_error", "insufficient_permissions"))
            .GetProperty("message").GetString().Should().Contain("'admin'");
        chat.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Row6_admin_may_call_every_route()
    {
        var (_, key) = await _env.CreateApiKeyAsync("admin", "openai", spec => spec.Permissions = ["admin"]);

        using var fineTuning = await _env.SendAsync(HttpMethod.Post, "/v1/fine_tuning/jobs", key, "{}");
        using var images = await _env.SendAsync(HttpMethod.Post, "/v1/images/generations", key, """{"prompt":"x"}""");

        fineTuning.StatusCode.Should().Be(HttpStatusCode.OK);
        images.StatusCode.Should().Be(HttpStatusCode.OK);
        _env.Stub.Requests.Select(request => request.Path).Should().BeEquivalentTo(["/fine_tuning/jobs", "/images/generations"]);
    }

    [Fact]
    public async Task Row7_model_outside_allowed_models_and_the_allowed_body_reaches_the_provider_intact()
    {
        await _env.CreateProxyAsync("limited", spec => spec.AllowedModels = ["gpt-4o-mini"]);
        var (_, key) = await _env.CreateApiKeyAsync("app", "limited");

        using var refused = await _env.ChatAsync(key, model: "gpt-4o");
        using var allowed = await _env.ChatAsync(key, model: "gpt-4o-mini");

        await ShouldBeError(refused, HttpStatusCode.Forbidden, "permission_error", "model_not_allowed");
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        _env.Stub.Requests.Should().ContainSingle().Which.Body.Should().Be("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""");
    }

    [Fact]
    public async Task Row8_exhausted_rate_limit_with_details_and_retry_headers()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.RateLimit = new Crds.RateLimit { Requests = 2, Period = "minute" });

        using var first = await _env.ChatAsync(key);
        using var second = await _env.ChatAsync(key);
        using var third = await _env.ChatAsync(key);

        first.Headers.GetValues("x-ratelimit-limit-requests").Should().Equal("2");
        first.Headers.GetValues("x-ratelimit-remaining-requests").Should().Equal("1");
        first.Headers.GetValues("x-ratelimit-reset-requests").Single().Should().MatchRegex(@"^\d+(\.\d+)?s$");
        second.Headers.GetValues("x-ratelimit-remaining-requests").Should().Equal("0");
        var error = await ShouldBeError(third, HttpStatusCode.TooManyRequests, "rate_limit_error", "rate_limit_exceeded");
        error.GetProperty("details").GetProperty("limit").GetInt64().Should().Be(2);
        error.GetProperty("details").GetProperty("remaining").GetInt64().Should().Be(0);
        DateTimeOffset.Parse(error.GetProperty("details").GetProperty("resetTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeAfter(DateTimeOffset.UtcNow);
        var retryAfter = int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var retryAfterMs = long.Parse(third.Headers.GetValues("retry-after-ms").Single(), System.Globalization.CultureInfo.InvariantCulture);
        retryAfter.Should().BeInRange(1, 30);
        retryAfterMs.Should().BeInRange(1, 30_000);
        retryAfter.Should().Be((int)Math.Ceiling(retryAfterMs / 1000.0));
        _env.Stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Row9_proxy_without_a_usable_provider_key()
    {
        await _env.CreateProxyAsync("empty", withProviderKey: false);
        await _env.CreateProviderKeyAsync("off", "empty", GatewayTestEnvironment.ProviderSecret, key => key.Spec.Disabled = true);
        var (_, key) = await _env.CreateApiKeyAsync("app", "empty");

        using var response = await _env.ChatAsync(key);

        await ShouldBeError(response, HttpStatusCode.ServiceUnavailable, "service_unavailable", "proxy_not_ready");
    }

    [Fact]
    public async Task Checks_run_in_order_an_unknown_key_on_a_forbidden_route_is_a_401_not_a_403()
    {
        using var response = await _env.SendAsync(HttpMethod.Post, "/v1/fine_tuning/jobs", ClientKey.Generate(KeyEnvironment.Live, ClientKey.NewKeyId()), "{}");

        await ShouldBeError(response, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
    }

    [Fact]
    public async Task Paths_outside_v1_are_404_without_running_checks()
    {
        using var response = await _env.Http.GetAsync("/healthz");

        await ShouldBeError(response, HttpStatusCode.NotFound, "invalid_request_error", "unknown_url");
    }
}
