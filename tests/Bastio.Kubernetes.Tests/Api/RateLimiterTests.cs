using Bastio.Kubernetes.Api;

namespace Bastio.Kubernetes.Tests.Api;

public sealed class RateLimiterTests
{
    [Fact]
    public async Task A_full_bucket_lets_a_burst_through_then_paces_at_qps()
    {
        var time = new ManualTimeProvider();
        var limiter = new TokenBucketRateLimiter(qps: 2, burst: 3, time);

        for (var i = 0; i < 3; i++)
        {
            limiter.WaitAsync(CancellationToken.None).IsCompleted.Should().BeTrue();
        }

        var fourth = limiter.WaitAsync(CancellationToken.None).AsTask();
        var fifth = limiter.WaitAsync(CancellationToken.None).AsTask();
        fourth.IsCompleted.Should().BeFalse();

        time.Advance(TimeSpan.FromMilliseconds(499));
        fourth.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        fifth.IsCompleted.Should().BeFalse("each further request waits another 1/qps");
        time.Advance(TimeSpan.FromMilliseconds(500));
        await fifth.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Idle_time_refills_only_up_to_the_burst()
    {
        var time = new ManualTimeProvider();
        var limiter = new TokenBucketRateLimiter(qps: 10, burst: 2, time);
        _ = limiter.WaitAsync(CancellationToken.None);
        _ = limiter.WaitAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromHours(1));

        limiter.WaitAsync(CancellationToken.None).IsCompleted.Should().BeTrue();
        limiter.WaitAsync(CancellationToken.None).IsCompleted.Should().BeTrue();
        limiter.WaitAsync(CancellationToken.None).IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_its_token_back()
    {
        var time = new ManualTimeProvider();
        var limiter = new TokenBucketRateLimiter(qps: 1, burst: 1, time);
        _ = limiter.WaitAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.WaitAsync(cts.Token).AsTask();

        await cts.CancelAsync();
        await cancelled.Invoking(t => t.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();

        var next = limiter.WaitAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_client_applies_the_limit_to_its_requests()
    {
        var time = new ManualTimeProvider();
        var handler = new StubHandler((_, _) => StubHandler.Json(System.Net.HttpStatusCode.OK, """{"metadata":{"name":"m"}}"""));
        using var client = StubClient.Create(handler, time, new KubernetesClientOptions { Qps = 1, Burst = 1, RequestTimeout = Timeout.InfiniteTimeSpan });

        await client.ConfigMaps().GetAsync("default", "m");
        var second = client.ConfigMaps().GetAsync("default", "m");
        await time.WaitForTimersAsync();
        handler.Requests.Should().HaveCount(1);

        time.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        handler.Requests.Should().HaveCount(2);
    }

    [Fact]
    public void Zero_qps_disables_limiting()
    {
        var limiter = new TokenBucketRateLimiter(qps: 0, burst: 1, new ManualTimeProvider());

        Enumerable.Range(0, 1000).Should().AllSatisfy(_ => limiter.WaitAsync(CancellationToken.None).IsCompleted.Should().BeTrue());
    }
}
