using System.Net;
using Bastio.Testing;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>coordination.k8s.io/v1 Leases, directly and through the client's own <see cref="LeaderElector"/>.</summary>
public sealed class LeaseTests : ConformanceTestBase
{
    [Fact]
    public async Task A_Lease_round_trips_with_microsecond_times_and_optimistic_concurrency()
    {
        var renew = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560);
        var created = await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "lock" },
            Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15, RenewTime = renew, AcquireTime = renew },
        }, Ns);

        created.Spec.RenewTime.Should().Be(renew);
        created.Spec.HolderIdentity = "b";
        await Client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "lock", Ns);
        created.Spec.HolderIdentity = "c";
        await FailsWithAsync(HttpStatusCode.Conflict, () => Client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "lock", Ns));
        (await Client.CoordinationV1.ReadNamespacedLeaseAsync("lock", Ns)).Spec.HolderIdentity.Should().Be("b");
    }

    [Fact]
    public async Task LeaderElector_with_a_LeaseLock_elects_one_leader_and_fails_over_when_it_stops()
    {
        var leaders = new List<string>();
        var first = Elector("first", leaders);
        using var firstRun = new CancellationTokenSource();
        var firstTask = first.RunUntilLeadershipLostAsync(firstRun.Token);
        await Eventually.UntilAsync(() => first.IsLeader(), "the first candidate leads");

        var second = Elector("second", leaders);
        using var secondRun = new CancellationTokenSource();
        var secondTask = second.RunUntilLeadershipLostAsync(secondRun.Token);
        var lease = await Client.CoordinationV1.ReadNamespacedLeaseAsync("elect", Ns);
        lease.Spec.HolderIdentity.Should().Be("first");
        second.IsLeader().Should().BeFalse("the lease is held");

        await firstRun.CancelAsync();
        await Eventually.UntilAsync(() => second.IsLeader(), "the second candidate takes over the lease");

        (await Client.CoordinationV1.ReadNamespacedLeaseAsync("elect", Ns)).Spec.HolderIdentity.Should().Be("second");
        leaders.Should().Equal("first", "second");
        await secondRun.CancelAsync();
        await Task.WhenAll(firstTask, secondTask).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private LeaderElector Elector(string identity, List<string> leaders)
    {
        var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(Client, Ns, "elect", identity))
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        });
        elector.OnStartedLeading += () =>
        {
            lock (leaders)
            {
                leaders.Add(identity);
            }
        };
        return elector;
    }
}
