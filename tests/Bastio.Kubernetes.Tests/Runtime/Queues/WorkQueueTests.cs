using Bastio.Kubernetes.Runtime.Queues;
using Bastio.Kubernetes.Tests.Api;

namespace Bastio.Kubernetes.Tests.Runtime.Queues;

public sealed class WorkQueueTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task An_item_added_repeatedly_is_pending_once()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);

        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        queue.Length.Should().Be(2);
        (await queue.GetAsync()).Item.Should().Be("a");
        (await queue.GetAsync()).Item.Should().Be("b");
        queue.Length.Should().Be(0);
    }

    [Fact]
    public async Task An_item_added_while_processing_is_handed_out_again_only_after_Done()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);
        queue.Add("a");
        var (item, _) = await queue.GetAsync();

        queue.Add("a");
        queue.Add("a");
        queue.Length.Should().Be(0, "a key being processed is not handed to a second worker");
        var second = queue.GetAsync();
        second.IsCompleted.Should().BeFalse();

        queue.Done(item);

        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Item.Should().Be("a");
        queue.Length.Should().Be(0, "the adds during processing collapse into one");
    }

    [Fact]
    public async Task Concurrent_workers_never_process_the_same_key_at_once()
    {
        using var queue = new WorkQueue<int>(timeProvider: _time);
        var inFlight = new int[5];
        var violations = 0;
        var processed = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (key, shutDown) = await queue.GetAsync(cts.Token);
                if (shutDown)
                {
                    return;
                }

                if (Interlocked.Increment(ref inFlight[key]) > 1)
                {
                    Interlocked.Increment(ref violations);
                }

                Thread.SpinWait(2000);
                Interlocked.Decrement(ref inFlight[key]);
                Interlocked.Increment(ref processed);
                queue.Done(key);
            }
        })).ToList();

        for (var i = 0; i < 5000; i++)
        {
            queue.Add(i % inFlight.Length);
        }

        await queue.ShutDownWithDrainAsync(cts.Token);
        await Task.WhenAll(workers);

        violations.Should().Be(0);
        processed.Should().BeGreaterThan(0);
    }

    [Fact]
    public void AddAfter_keeps_the_earliest_due_time()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(2));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Length.Should().Be(0);
        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Length.Should().Be(1);
    }

    [Fact]
    public void AddAfter_accepts_delays_longer_than_a_timer_can_wait()
    {
        // A real timer refuses due times beyond ~49 days; an ApiKey expiring in 90 days asks for one.
        using var queue = new WorkQueue<string>();

        queue.AddAfter("a", TimeSpan.FromDays(90));

        queue.Length.Should().Be(0);
    }

    [Fact]
    public void An_item_delayed_beyond_the_timer_limit_still_arrives_when_due()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);
        queue.AddAfter("a", TimeSpan.FromDays(90));

        _time.Advance(TimeSpan.FromDays(89));
        queue.Length.Should().Be(0);
        _time.Advance(TimeSpan.FromDays(1));
        queue.Length.Should().Be(1);
    }

    [Fact]
    public async Task A_later_AddAfter_does_not_bring_the_item_back_a_second_time()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);
        queue.AddAfter("a", TimeSpan.FromSeconds(2));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(2));
        var (item, _) = await queue.GetAsync();
        queue.Done(item);
        _time.Advance(TimeSpan.FromSeconds(10));

        queue.Length.Should().Be(0);
    }

    [Fact]
    public async Task AddRateLimited_backs_off_exponentially_per_item_until_forgotten()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(100));
        using var queue = new WorkQueue<string>(limiter, _time);

        foreach (var expected in new[] { 1, 2, 4 })
        {
            queue.AddRateLimited("a");
            _time.Advance(TimeSpan.FromSeconds(expected) - TimeSpan.FromMilliseconds(1));
            queue.Length.Should().Be(0, $"the retry is due after {expected}s");
            _time.Advance(TimeSpan.FromMilliseconds(1));
            queue.Length.Should().Be(1);
            queue.Done((await queue.GetAsync()).Item);
        }

        queue.NumRequeues("a").Should().Be(3);
        queue.Forget("a");
        queue.NumRequeues("a").Should().Be(0);
        queue.AddRateLimited("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Length.Should().Be(1, "after Forget the backoff starts again at the base delay");
    }

    [Fact]
    public void Item_backoff_starts_at_5ms_doubles_and_caps_at_1000s()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

        var delays = Enumerable.Range(0, 4).Select(_ => limiter.When("a")).ToList();
        for (var i = 0; i < 100; i++)
        {
            limiter.When("a");
        }

        delays.Should().Equal(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(40));
        limiter.When("a").Should().Be(TimeSpan.FromSeconds(1000));
        limiter.When("b").Should().Be(TimeSpan.FromMilliseconds(5), "backoff is per item");
    }

    [Fact]
    public void The_default_limiter_spreads_bursts_over_the_overall_bucket()
    {
        var limiter = RateLimiters.CreateDefault<int>(_time);

        var burst = Enumerable.Range(0, 100).Select(limiter.When).ToList();
        var overflow = limiter.When(100);
        var next = limiter.When(101);

        burst.Should().OnlyContain(d => d == TimeSpan.FromMilliseconds(5), "the first 100 fit the bucket's burst");
        overflow.Should().Be(TimeSpan.FromMilliseconds(100), "beyond the burst, tokens come at 10 per second");
        next.Should().Be(TimeSpan.FromMilliseconds(200));

        _time.Advance(TimeSpan.FromSeconds(10));
        limiter.When(102).Should().Be(TimeSpan.FromMilliseconds(5), "the bucket refills over time");
    }

    [Fact]
    public async Task ShutDown_hands_out_pending_items_then_reports_shutdown_and_ignores_adds()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);
        queue.Add("a");
        queue.AddAfter("b", TimeSpan.FromSeconds(1));

        queue.ShutDown();
        queue.Add("c");
        _time.Advance(TimeSpan.FromSeconds(1));

        (await queue.GetAsync()).Should().Be(("a", false));
        (await queue.GetAsync()).ShutDown.Should().BeTrue();
    }

    [Fact]
    public async Task ShutDownWithDrain_waits_for_items_in_processing()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);
        queue.Add("a");
        var (item, _) = await queue.GetAsync();

        var drain = queue.ShutDownWithDrainAsync();
        drain.IsCompleted.Should().BeFalse();

        queue.Done(item);
        await drain.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_waiting_GetAsync_wakes_up_on_Add_and_on_shutdown()
    {
        using var queue = new WorkQueue<string>(timeProvider: _time);
        var first = queue.GetAsync();
        queue.Add("a");
        (await first.WaitAsync(TimeSpan.FromSeconds(5))).Item.Should().Be("a");

        var second = queue.GetAsync();
        queue.ShutDown();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).ShutDown.Should().BeTrue();
    }
}
