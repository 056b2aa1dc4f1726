using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Unit;

public sealed class TokenBucketTests
{
    [Fact]
    public void Racing_threads_get_exactly_the_capacity_then_one_token_per_interval()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(new RateLimitShape(requests: 10, TimeSpan.FromSeconds(1), burst: 25), time);
        var admitted = 0;

        Parallel.For(0, 1_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            if (bucket.TryAcquire().Allowed)
            {
                Interlocked.Increment(ref admitted);
            }
        });
        admitted.Should().Be(25);

        time.Advance(TimeSpan.FromMilliseconds(350));
        var refilled = Enumerable.Range(0, 10).Count(_ => bucket.TryAcquire().Allowed);
        refilled.Should().Be(3, "10 per second refills 3 whole tokens in 350 ms");
    }

    [Fact]
    public void Headers_report_remaining_reset_and_retry_after()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(new RateLimitShape(requests: 60, TimeSpan.FromMinutes(1)), time);

        var first = bucket.TryAcquire();
        for (var i = 0; i < 59; i++)
        {
            bucket.TryAcquire();
        }

        var refused = bucket.TryAcquire();

        first.Should().Be(new RateLimitResult(true, 60, 59, TimeSpan.FromSeconds(1), TimeSpan.Zero));
        refused.Allowed.Should().BeFalse();
        refused.Remaining.Should().Be(0);
        refused.RetryAfter.Should().Be(TimeSpan.FromSeconds(1));
        refused.Reset.Should().Be(TimeSpan.FromMinutes(1));
        bucket.Peek().Remaining.Should().Be(0, "peeking spends nothing and shows the state");
        time.Advance(TimeSpan.FromSeconds(1));
        bucket.TryAcquire().Allowed.Should().BeTrue();
    }

    [Fact]
    public void Burst_zero_means_capacity_equals_requests()
    {
        new RateLimitShape(5, TimeSpan.FromSeconds(1), burst: 0).Capacity.Should().Be(5);
        new RateLimitShape(5, TimeSpan.FromSeconds(1), burst: 2).Capacity.Should().Be(2);
    }

    [Fact]
    public void The_store_returns_the_same_bucket_for_the_same_key_and_shape_and_forgets_unused_ones()
    {
        var store = new BucketStore(new ManualTimeProvider());
        var shape = new RateLimitShape(5, TimeSpan.FromMinutes(1));

        var bucket = store.GetOrCreate("abc", shape);
        store.GetOrCreate("abc", new RateLimitShape(5, TimeSpan.FromMinutes(1))).Should().BeSameAs(bucket);
        store.GetOrCreate("abc", new RateLimitShape(6, TimeSpan.FromMinutes(1))).Should().NotBeSameAs(bucket);
        store.RetainOnly(new HashSet<TokenBucket> { bucket });

        store.Count.Should().Be(1);
    }
}
