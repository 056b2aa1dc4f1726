using Bastio.Gateway.Limits;
using Bastio.Gateway.Limits.Redis;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bastio.Gateway.Tests.Redis;

/// <summary>The Redis store's script against a real redis-server: one round trip per decision, the server's clock, NOSCRIPT recovery.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisAdmissionStoreTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Each_decision_is_one_script_call_and_a_flushed_script_is_loaded_again()
    {
        var store = new RedisAdmissionStore(_connection);
        var limits = new KeyLimits(new RateLimitShape(3, TimeSpan.FromHours(1)), null, null, null);
        await store.AdmitAsync("key1", limits, default);
        var before = await _redis.CommandCallsAsync("evalsha");

        var decisions = new List<Admission>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await store.AdmitAsync("key1", limits, default));
        }

        (await _redis.CommandCallsAsync("evalsha") - before).Should().Be(5);
        decisions.Select(decision => decision.Refusal).Should().Equal(Refusal.None, Refusal.None, Refusal.Requests, Refusal.Requests, Refusal.Requests);
        decisions[1].Requests.Remaining.Should().Be(0);
        decisions[2].Requests.RetryAfter.Should().BeGreaterThan(TimeSpan.FromMinutes(19)).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(20));

        await _connection.GetServers()[0].ScriptFlushAsync();
        (await store.AdmitAsync("key1", limits, default)).Refusal.Should().Be(Refusal.Requests);
    }

    [Fact]
    public async Task Budget_thresholds_are_reported_once_per_period_however_many_charges_cross_them()
    {
        var store = new RedisAdmissionStore(_connection);
        var limits = new KeyLimits(null, null, new BudgetShape(1_000, BudgetPeriod.Day, [50, 100]), null);

        var first = await store.ChargeAsync("key2", limits, new UsageCharge(10, 600), default);
        var second = await store.ChargeAsync("key2", limits, new UsageCharge(10, 100), default);
        var third = await store.ChargeAsync("key2", limits, new UsageCharge(10, 400), default);
        var unpriced = await store.ChargeAsync("key2", limits, new UsageCharge(10, null), default);

        first.CrossedThresholds.Should().Equal(50);
        second.CrossedThresholds.Should().BeEmpty();
        third.CrossedThresholds.Should().Equal(100);
        unpriced.CrossedThresholds.Should().BeEmpty();
        unpriced.Usage.Should().Be(new PeriodUsage(UsagePeriods.Start(BudgetPeriod.Day, DateTimeOffset.UtcNow), 40, 1_100, 1));
        (await store.AdmitAsync("key2", limits, default)).Refusal.Should().Be(Refusal.Budget);
    }
}
