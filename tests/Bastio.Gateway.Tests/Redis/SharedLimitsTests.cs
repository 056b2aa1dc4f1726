using System.Net;
using System.Text;
using System.Text.Json;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Tests.Infrastructure;
using Bastio.Kubernetes.Api;
using StackExchange.Redis;

namespace Bastio.Gateway.Tests.Redis;

/// <summary>
/// Two gateway processes sharing one real redis-server: limits, token limits and budgets are exact
/// across replicas, survive gateway restarts, and behave as documented while Redis is down.
/// Every chat answer of the stub reports 11 prompt and 7 completion tokens.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedLimitsTests : IAsyncLifetime
{
    private const int TokensPerAnswer = 18;

    private readonly List<GatewayProcess> _gateways = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(60) };
    private GatewayTestEnvironment _env = null!;
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _env = await GatewayTestEnvironment.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await StopGatewaysAsync();
        _http.Dispose();
        await _env.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Request_limit_of_10_admits_exactly_10_of_200_concurrent_requests_split_across_two_gateways_in_one_round_trip_each()
    {
        await StartGatewaysAsync();
        await _env.CreateProxyAsync("p");
        var (_, key) = await CreateKeyAsync("k", "p", spec => spec.RateLimit = new RateLimit { Requests = 10, Period = "hour" });
        var evalsBefore = await _redis.CommandCallsAsync("evalsha");

        var answers = await BurstAsync(key, 200);

        answers.Count(answer => answer.Status == HttpStatusCode.OK).Should().Be(10);
        answers.Where(answer => answer.Status != HttpStatusCode.OK).Should().OnlyContain(answer => answer.Status == HttpStatusCode.TooManyRequests && answer.Code == "rate_limit_exceeded");
        (await _redis.CommandCallsAsync("evalsha") - evalsBefore).Should().Be(200, "one atomic script call decides each request, admitted or not");

        // A flushed script cache (a Redis restart or failover) is reloaded on NOSCRIPT: still exact, never an error.
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true"))
        {
            await admin.GetServers()[0].ScriptFlushAsync();
        }

        (await ChatAsync(_gateways[0], key)).Status.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Token_limit_is_charged_from_reported_usage_once_across_both_gateways_then_refuses_everywhere()
    {
        await StartGatewaysAsync();
        await _env.CreateProxyAsync("p");
        var (_, key) = await CreateKeyAsync("k", "p", spec => spec.TokenLimit = new TokenLimit { Tokens = 100, Period = "day" });

        // Admitted while not in deficit: after 6 answers 108 tokens are used, whichever gateway served them.
        for (var i = 0; i < 6; i++)
        {
            var gateway = _gateways[i % 2];
            var answer = await ChatAsync(gateway, key);
            answer.Status.Should().Be(HttpStatusCode.OK);
            answer.Headers["x-ratelimit-limit-tokens"].Should().Be("100");
            var expected = Math.Max(0, 100 - (TokensPerAnswer * (i + 1)));
            await Eventually.UntilAsync(async () => (await UsageAsync(_gateways[(i + 1) % 2], key)).GetProperty("token_limit").GetProperty("remaining").GetInt64() == expected, $"the other gateway sees {expected} tokens remaining");
        }

        var answers = await BurstAsync(key, 200);
        answers.Should().OnlyContain(answer => answer.Status == HttpStatusCode.TooManyRequests && answer.Code == "token_limit_exceeded");
        answers[0].Headers["x-ratelimit-remaining-tokens"].Should().Be("0");
        answers[0].Headers.Should().ContainKey("retry-after");
        _env.Stub.Requests.Count.Should().Be(6, "no refused request reaches the provider");
    }

    [Fact]
    public async Task Budget_refuses_with_insufficient_quota_once_spent_and_each_threshold_is_one_event()
    {
        await StartGatewaysAsync();
        await _env.CreateProxyAsync("p", spec => spec.Pricing = [new ModelPrice { Model = "gpt-4o*", InputPerMillion = "10000", OutputPerMillion = "10000" }]);
        var (apiKey, key) = await CreateKeyAsync("k", "p", spec => spec.Budget = new Budget { Amount = "1", Period = "month", AlertThresholds = [50, 80, 100] });

        // $0.18 an answer: admitted while less than $1 is spent, so 6 answers ($1.08), from both gateways.
        for (var i = 0; i < 6; i++)
        {
            (await ChatAsync(_gateways[i % 2], key)).Status.Should().Be(HttpStatusCode.OK);
            var spent = (0.18m * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
            await Eventually.UntilAsync(async () => (await UsageAsync(_gateways[(i + 1) % 2], key)).GetProperty("period").GetProperty("cost_usd").GetString() == spent, $"${spent} spent seen by the other gateway");
        }

        var answers = await BurstAsync(key, 200);
        answers.Should().OnlyContain(answer => answer.Status == HttpStatusCode.TooManyRequests && answer.Code == "insufficient_quota");
        answers[0].Headers["x-should-retry"].Should().Be("false");

        var usage = await UsageAsync(_gateways[0], key);
        usage.GetProperty("period").GetProperty("budget_used_percent").GetInt64().Should().Be(108);
        usage.GetProperty("period").GetProperty("tokens").GetInt64().Should().Be(6 * TokensPerAnswer);

        var events = await Eventually.UntilAsync(async () =>
        {
            var list = (await _env.Client.Events().ListAsync(GatewayTestEnvironment.Namespace)).Items
                .Where(e => e.Reason == "BudgetThresholdReached" && e.Regarding?.Name == apiKey.Metadata.Name).ToList();
            return list.Count >= 3 ? list : null;
        }, "three threshold events");
        events.Select(e => e.Note!.Split('%')[0]).Should().BeEquivalentTo(["Budget 50", "Budget 80", "Budget 100"]);
        events.Should().OnlyContain(e => e.Series == null);
        events.Should().OnlyContain(e => e.Regarding!.Uid == apiKey.Metadata.Uid && e.Regarding.Kind == "ApiKey");

        // The crossing of 100% is published at once into status.usage, for kubectl bastio usage.
        await Eventually.UntilAsync(async () => (await _env.ApiKeys.GetAsync(GatewayTestEnvironment.Namespace, apiKey.Metadata.Name!)).Status?.Usage is { BudgetUsedPercent: 108, Cost: "1.08" }, "status.usage reports 108% of the budget");
    }

    [Fact]
    public async Task Unpriced_models_are_counted_and_reported_not_free()
    {
        await StartGatewaysAsync();
        await _env.CreateProxyAsync("p", spec => spec.Pricing = [new ModelPrice { Model = "gpt-4o-mini", InputPerMillion = "1", OutputPerMillion = "2" }]);
        var (_, key) = await CreateKeyAsync("k", "p");

        (await ChatAsync(_gateways[0], key, "gpt-4o-mini")).Status.Should().Be(HttpStatusCode.OK);
        (await ChatAsync(_gateways[1], key, "claude-3-5-haiku-latest")).Status.Should().Be(HttpStatusCode.OK);

        await Eventually.UntilAsync(async () =>
        {
            var period = (await UsageAsync(_gateways[0], key)).GetProperty("period");
            return period.GetProperty("unpriced_requests").GetInt64() == 1 && period.GetProperty("tokens").GetInt64() == 2 * TokensPerAnswer
                && period.GetProperty("cost_usd").GetString() == "0.000025";
        }, "one priced and one unpriced answer counted");
    }

    [Fact]
    public async Task Redis_down_applies_each_gateways_failure_mode_then_exactness_returns_by_itself()
    {
        await StartGatewaysAsync(["--store-failure", "deny"], ["--store-failure", "local"]);
        await _env.CreateProxyAsync("p");
        var (_, key) = await CreateKeyAsync("k", "p", spec => spec.RateLimit = new RateLimit { Requests = 10, Period = "hour" });
        var (deny, local) = (_gateways[0], _gateways[1]);

        await _redis.StopAsync();

        // deny: 503 rate_limit_store_unavailable and an unready replica; local: this replica's own limit of 10.
        await Eventually.UntilAsync(async () => (await _http.GetAsync(new Uri(deny.AdminUrl, "readyz"))).StatusCode == HttpStatusCode.ServiceUnavailable, "the deny gateway reports unready");
        (await ChatAsync(deny, key)).Code.Should().Be("rate_limit_store_unavailable");
        (await _http.GetAsync(new Uri(local.AdminUrl, "readyz"))).StatusCode.Should().Be(HttpStatusCode.OK);
        var fallback = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => ChatAsync(local, key)));
        fallback.Count(answer => answer.Status == HttpStatusCode.OK).Should().Be(10);
        var metrics = await MetricsScrape.GetAsync(_http, new Uri(local.AdminUrl, "metrics"));
        metrics.Types.Should().ContainKey("bastio_gateway_store_failures_total");
        metrics.Value("bastio_gateway_store_up").Should().Be(0);

        await _redis.StartAgainAsync();
        await Eventually.UntilAsync(async () => (await _http.GetAsync(new Uri(deny.AdminUrl, "readyz"))).StatusCode == HttpStatusCode.OK, "the deny gateway is ready again", TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(200));
        await Eventually.UntilAsync(async () => (await MetricsScrape.GetAsync(_http, new Uri(local.AdminUrl, "metrics"))).Value("bastio_gateway_store_up") == 1, "the local gateway reconnected", TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(200));

        // The restarted Redis kept nothing (no persistence here): a fresh shared bucket of 10, exact again.
        var answers = await BurstAsync(key, 200);
        answers.Count(answer => answer.Status == HttpStatusCode.OK).Should().Be(10);
    }

    [Fact]
    public async Task Restarting_both_gateways_keeps_the_request_token_and_budget_counters()
    {
        await StartGatewaysAsync();
        await _env.CreateProxyAsync("p", spec => spec.Pricing = [new ModelPrice { Model = "gpt-4o-mini", InputPerMillion = "10000", OutputPerMillion = "10000" }]);
        var (_, limited) = await CreateKeyAsync("limited", "p", spec => spec.RateLimit = new RateLimit { Requests = 10, Period = "hour" });
        var (_, budgeted) = await CreateKeyAsync("budgeted", "p", spec => spec.Budget = new Budget { Amount = "0.30" });
        for (var i = 0; i < 6; i++)
        {
            (await ChatAsync(_gateways[i % 2], limited)).Status.Should().Be(HttpStatusCode.OK);
        }

        (await ChatAsync(_gateways[0], budgeted)).Status.Should().Be(HttpStatusCode.OK);
        (await ChatAsync(_gateways[1], budgeted)).Status.Should().Be(HttpStatusCode.OK);
        await Eventually.UntilAsync(async () => (await UsageAsync(_gateways[0], budgeted)).GetProperty("period").GetProperty("cost_usd").GetString() == "0.36", "$0.36 spent");

        await StopGatewaysAsync();
        await StartGatewaysAsync();

        (await BurstAsync(limited, 200)).Count(answer => answer.Status == HttpStatusCode.OK).Should().Be(4);
        (await ChatAsync(_gateways[1], budgeted)).Code.Should().Be("insufficient_quota");
    }

    /// <summary>A generous decision budget: on a loaded machine a slow answer would otherwise fall back to per-replica limits.</summary>
    private async Task StartGatewaysAsync(string[]? first = null, string[]? second = null)
    {
        var started = await Task.WhenAll(
            GatewayProcess.StartAsync(_env, ["--redis", _redis.Configuration, "--store-timeout", "10s", .. first ?? []]),
            GatewayProcess.StartAsync(_env, ["--redis", _redis.Configuration, "--store-timeout", "10s", .. second ?? []]));
        _gateways.AddRange(started);
    }

    private async Task StopGatewaysAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        _gateways.Clear();
    }

    /// <summary>Creates the key through the in-process environment, then waits until both processes serve it.</summary>
    private async Task<(ApiKey ApiKey, string Key)> CreateKeyAsync(string name, string proxy, Action<ApiKeySpec>? configure = null)
    {
        var created = await _env.CreateApiKeyAsync(name, proxy, spec =>
        {
            spec.Permissions = [ApiKeyPermissions.Chat, ApiKeyPermissions.Analytics];
            configure?.Invoke(spec);
        });
        foreach (var gateway in _gateways)
        {
            // A route the key may not call is refused as forbidden (not as an unknown key) before any counter is touched.
            await Eventually.UntilAsync(async () => (await EmbeddingsAsync(gateway, created.Key)) == HttpStatusCode.Forbidden, $"{gateway.Url} serves {name}");
        }

        return created;
    }

    private async Task<List<Answer>> BurstAsync(string key, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(i => ChatAsync(_gateways[i % _gateways.Count], key)))];

    private async Task<Answer> ChatAsync(GatewayProcess gateway, string key, string model = "gpt-4o-mini")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.Url, "v1/chat/completions"))
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        string? code = null;
        if (!response.IsSuccessStatusCode)
        {
            code = JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();
        }

        var headers = response.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => string.Join(",", header.Value));
        return new Answer(response.StatusCode, code, headers);
    }

    private async Task<HttpStatusCode> EmbeddingsAsync(GatewayProcess gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.Url, "v1/embeddings")) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> UsageResponseAsync(GatewayProcess gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Url, "v1/usage"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<JsonElement> UsageAsync(GatewayProcess gateway, string key)
    {
        using var response = await UsageResponseAsync(gateway, key);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private sealed record Answer(HttpStatusCode Status, string? Code, IDictionary<string, string> Headers);
}

/// <summary>The Redis tests start gateway processes; one at a time keeps the loaded machine responsive.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisCollection
{
    public const string Name = "redis";
}
