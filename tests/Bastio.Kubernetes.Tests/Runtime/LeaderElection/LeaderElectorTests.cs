using System.Collections.Concurrent;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.LeaderElection;
using Bastio.Kubernetes.Tests.Api;

namespace Bastio.Kubernetes.Tests.Runtime.LeaderElection;

/// <summary>Two replicas competing for one Lease on the test cluster, each with its own client.</summary>
public sealed class LeaderElectorTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stopA = new();
    private readonly CancellationTokenSource _stopB = new();
    private readonly ConcurrentQueue<string> _log = new();
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(null, "bastio-system");

    public async Task DisposeAsync()
    {
        await _stopA.CancelAsync();
        await _stopB.CancelAsync();
        await _cluster.DisposeAsync();
        _stopA.Dispose();
        _stopB.Dispose();
    }

    [Fact]
    public async Task A_leader_cut_off_from_the_api_server_stops_before_the_other_takes_over()
    {
        var leasesA = new PartitionableResourceClient<V1Lease>(_cluster.NewClient().Leases());
        // Lease 6s, renew deadline 2s: the old leader must stop well before the lease can expire for others.
        var a = new LeaderElector(leasesA, Options("a", leaseDuration: TimeSpan.FromSeconds(6)));
        var b = new LeaderElector(_cluster.NewClient().Leases(), Options("b", leaseDuration: TimeSpan.FromSeconds(6)));
        var (aLeading, aStopped) = Replica(a, "a", _stopA.Token);
        await aLeading.WaitAsync(TimeSpan.FromSeconds(10));
        var (bLeading, _) = Replica(b, "b", _stopB.Token);

        await WaitForRenewalsAsync(3);
        b.IsLeader.Should().BeFalse("a live lease is not taken over");
        a.IsLeader.Should().BeTrue();

        leasesA.Partitioned = true;
        await aStopped.WaitAsync(TimeSpan.FromSeconds(15));
        await bLeading.WaitAsync(TimeSpan.FromSeconds(15));

        _log.Should().Equal("a started", "a stopped", "b started");
        a.IsLeader.Should().BeFalse();
        b.IsLeader.Should().BeTrue();
        var lease = await LeaseAsync();
        lease.Spec.HolderIdentity.Should().Be("b");
        lease.Spec.LeaseTransitions.Should().Be(1);
    }

    [Fact]
    public async Task A_clean_shutdown_releases_the_lease_so_the_standby_takes_over_before_it_would_expire()
    {
        // A minute-long lease: only an explicit release lets b in within the test's deadline.
        var a = new LeaderElector(_cluster.NewClient().Leases(), Options("a", leaseDuration: TimeSpan.FromSeconds(60)));
        var b = new LeaderElector(_cluster.NewClient().Leases(), Options("b", leaseDuration: TimeSpan.FromSeconds(60)));
        var (aLeading, aStopped) = Replica(a, "a", _stopA.Token);
        await aLeading.WaitAsync(TimeSpan.FromSeconds(10));
        var (bLeading, _) = Replica(b, "b", _stopB.Token);
        await WaitForRenewalsAsync(2);

        await _stopA.CancelAsync();
        await aStopped.WaitAsync(TimeSpan.FromSeconds(10));
        await bLeading.WaitAsync(TimeSpan.FromSeconds(20));

        _log.Should().Equal("a started", "a stopped", "b started");
        var lease = await LeaseAsync();
        lease.Spec.HolderIdentity.Should().Be("b");
        lease.Spec.LeaseTransitions.Should().Be(1);
        lease.Spec.LeaseDurationSeconds.Should().Be(60);
    }

    [Fact]
    public async Task The_released_lease_names_no_holder_and_a_one_second_duration()
    {
        var a = new LeaderElector(_cluster.NewClient().Leases(), Options("a", leaseDuration: TimeSpan.FromSeconds(60)));
        var (aLeading, _) = Replica(a, "a", _stopA.Token);
        await aLeading.WaitAsync(TimeSpan.FromSeconds(10));
        var acquired = await LeaseAsync();

        await _stopA.CancelAsync();
        await Eventually.UntilAsync(async () => (await LeaseAsync()).Spec.HolderIdentity == "", "the lease was released");

        var released = await LeaseAsync();
        released.Spec.LeaseDurationSeconds.Should().Be(1);
        released.Spec.LeaseTransitions.Should().Be(acquired.Spec.LeaseTransitions);
        acquired.Spec.HolderIdentity.Should().Be("a");
        acquired.Spec.AcquireTime.Should().NotBeNull();
    }

    [Fact]
    public async Task Expiry_is_judged_by_when_this_replica_last_saw_the_lease_change_not_by_its_timestamps()
    {
        // The holder's clock is an hour behind: by timestamps the lease looks long expired.
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        await _cluster.Client.Leases().CreateAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "bastio-operator", NamespaceProperty = "bastio-system" },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = "x",
                LeaseDurationSeconds = 15,
                AcquireTime = (start - TimeSpan.FromHours(1)).UtcDateTime,
                RenewTime = (start - TimeSpan.FromHours(1)).UtcDateTime,
                LeaseTransitions = 4,
            },
        });
        var b = new LeaderElector(
            _cluster.NewClient().Leases(),
            new LeaderElectionOptions { LeaseName = "bastio-operator", LeaseNamespace = "bastio-system", Identity = "b" },
            timeProvider: time);
        DateTimeOffset? acquiredAt = null;
        var run = b.RunAsync(
            ct =>
            {
                acquiredAt = time.GetUtcNow();
                return Task.Delay(Timeout.Infinite, ct);
            },
            _stopB.Token);

        while (acquiredAt is null)
        {
            await Eventually.UntilAsync(() => time.ActiveTimers > 0 || acquiredAt is not null, "the elector waits for its next attempt");
            if (acquiredAt is null)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        (acquiredAt.Value - start).Should().BeGreaterThan(TimeSpan.FromSeconds(15), "the lease was first seen unchanged at the start");
        var lease = await LeaseAsync();
        lease.Spec.HolderIdentity.Should().Be("b");
        lease.Spec.LeaseTransitions.Should().Be(5);
        await _stopB.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Inconsistent_durations_are_refused()
    {
        var leases = _cluster.Client.Leases();

        FluentActions.Invoking(() => new LeaderElector(leases, new LeaderElectionOptions { LeaseName = "l", LeaseNamespace = "ns", RenewDeadline = TimeSpan.FromSeconds(15) }))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new LeaderElector(leases, new LeaderElectionOptions { LeaseName = "", LeaseNamespace = "ns" }))
            .Should().Throw<ArgumentException>();
    }

    private static LeaderElectionOptions Options(string identity, TimeSpan leaseDuration) => new()
    {
        LeaseName = "bastio-operator",
        LeaseNamespace = "bastio-system",
        Identity = identity,
        LeaseDuration = leaseDuration,
        RenewDeadline = TimeSpan.FromSeconds(2),
        RetryPeriod = TimeSpan.FromMilliseconds(250),
    };

    /// <summary>Runs an elector whose leading work only waits for its token; returns "started" and "stopped" signals.</summary>
    private (Task Leading, Task Stopped) Replica(ILeaderElector elector, string name, CancellationToken stop)
    {
        var leading = new TaskCompletionSource();
        var stopped = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            try
            {
                await elector.RunAsync(
                    async ct =>
                    {
                        _log.Enqueue($"{name} started");
                        leading.TrySetResult();
                        try
                        {
                            await Task.Delay(Timeout.Infinite, ct);
                        }
                        finally
                        {
                            _log.Enqueue($"{name} stopped");
                        }
                    },
                    stop);
            }
            catch (OperationCanceledException)
            {
            }

            stopped.TrySetResult();
        });
        return (leading.Task, stopped.Task);
    }

    private Task<V1Lease> LeaseAsync() => _cluster.Client.Leases().GetAsync("bastio-system", "bastio-operator");

    private async Task WaitForRenewalsAsync(int count)
    {
        var seen = new HashSet<DateTimeOffset?>();
        await Eventually.UntilAsync(
            async () =>
            {
                seen.Add((await LeaseAsync()).Spec.RenewTime);
                return seen.Count >= count;
            },
            $"the leader renewed {count} times");
    }
}
