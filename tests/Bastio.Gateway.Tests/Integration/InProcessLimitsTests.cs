using System.Net;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Token limits, budgets and pricing with the default in-process store (one replica, no Redis).</summary>
public sealed class InProcessLimitsTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await GatewayTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Token_limit_from_a_plan_sends_the_openai_token_headers_and_refuses_in_deficit_naming_the_limit()
    {
        await _env.CreateProxyAsync("p", spec => spec.Plans = new() { ["small"] = new RateLimit { Requests = 100, Period = "minute", TokenLimit = new TokenLimit { Tokens = 30, Period = "hour" } } });
        var (_, key) = await _env.CreateApiKeyAsync("k", "p", spec => spec.Plan = "small");

        using var first = await _env.ChatAsync(key);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Headers.GetValues("x-ratelimit-limit-tokens").Should().Equal("30");
        first.Headers.GetValues("x-ratelimit-remaining-tokens").Single().Should().Be("30", "the answer's own tokens are charged when it ends");

        using var second = await _env.ChatAsync(key);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        second.Headers.GetValues("x-ratelimit-remaining-tokens").Should().Equal("12");

        using var refused = await _env.ChatAsync(key);
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        var error = await GatewayTestEnvironment.ErrorOf(refused);
        error.GetProperty("code").GetString().Should().Be("token_limit_exceeded");
        error.GetProperty("message").GetString().Should().Contain("30 tokens per hour");
        refused.Headers.GetValues("x-ratelimit-remaining-tokens").Should().Equal("0");
        refused.Headers.RetryAfter.Should().NotBeNull();
        _env.Stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Spent_budget_is_insufficient_quota_without_retry_and_usage_reports_cost_and_budget()
    {
        await _env.CreateProxyAsync("p", spec => spec.Pricing = [new ModelPrice { Model = "gpt-4o*", InputPerMillion = "10000", OutputPerMillion = "10000" }]);
        var (_, key) = await _env.CreateApiKeyAsync("k", "p", spec =>
        {
            spec.Budget = new Budget { Amount = "0.20", Period = "day" };
            spec.Permissions = [ApiKeyPermissions.Chat, ApiKeyPermissions.Analytics];
        });

        (await _env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK);
        using var refused = await _env.ChatAsync(key);

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.GetValues("x-should-retry").Should().Equal("false");
        var error = await GatewayTestEnvironment.ErrorOf(refused);
        error.GetProperty("type").GetString().Should().Be("insufficient_quota");
        error.GetProperty("code").GetString().Should().Be("insufficient_quota");
        error.GetProperty("details").GetProperty("spent").GetString().Should().Be("0.36");

        using var usage = await _env.SendAsync(HttpMethod.Get, "/v1/usage", key);
        usage.StatusCode.Should().Be(HttpStatusCode.OK, "a key out of budget may still read its usage");
        var period = System.Text.Json.JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement.GetProperty("period");
        period.GetProperty("kind").GetString().Should().Be("day");
        period.GetProperty("cost_usd").GetString().Should().Be("0.36");
        period.GetProperty("budget_usd").GetString().Should().Be("0.2");
        period.GetProperty("budget_used_percent").GetInt64().Should().Be(180);
    }

    [Theory]
    [InlineData("""{"proxyRef":{"name":"p"},"rateLimit":{"requests":10,"tokenLimit":{"tokens":100}}}""", "spec.tokenLimit, not spec.rateLimit.tokenLimit")]
    [InlineData("""{"proxyRef":{"name":"p"},"budget":{"amount":"12,50"}}""", "spec.budget.amount")]
    [InlineData("""{"proxyRef":{"name":"p"},"budget":{"amount":"10","alertThresholds":[0]}}""", "spec.budget.alertThresholds")]
    public async Task The_api_server_refuses_bad_limit_combinations_and_values(string spec, string named)
    {
        var create = () => _env.ApiKeys.CreateAsync(System.Text.Json.JsonSerializer.Deserialize(
            $$"""{"apiVersion":"bastio.io/v1alpha1","kind":"ApiKey","metadata":{"name":"bad","namespace":"{{GatewayTestEnvironment.Namespace}}"},"spec":{{spec}}}""",
            BastioJsonContext.Default.ApiKey)!);

        (await create.Should().ThrowAsync<Bastio.Kubernetes.Api.InvalidException>()).Which.Message.Should().Contain(named);
    }
}
