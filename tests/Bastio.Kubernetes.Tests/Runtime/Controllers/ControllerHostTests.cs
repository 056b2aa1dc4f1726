using System.Collections.Concurrent;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.LeaderElection;

namespace Bastio.Kubernetes.Tests.Runtime.Controllers;

/// <summary>Two operator replicas (hosts) against the test cluster: only the leader reconciles.</summary>
public sealed class ControllerHostTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Replica, string Key)> _reconciles = new();
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(null, "bastio-system");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task When_the_leader_loses_its_lease_its_controllers_stop_and_the_other_replica_reconciles_everything()
    {
        await _cluster.CreateConfigMapAsync("before");
        var (hostA, leasesA) = Replica("a");
        var (hostB, _) = Replica("b");
        await using (hostA)
        await using (hostB)
        {
            await hostA.StartAsync(CancellationToken.None);
            await WaitForReconcileAsync("a", "default/before");
            await hostB.StartAsync(CancellationToken.None);

            leasesA.Partitioned = true;
            await WaitForReconcileAsync("b", "default/before");
            await _cluster.CreateConfigMapAsync("after");
            await WaitForReconcileAsync("b", "default/after");

            _reconciles.Should().NotContain(("a", "default/after"), "a replica without the lease does not reconcile");
        }
    }

    [Fact]
    public async Task Without_leader_election_the_host_reconciles_once_caches_are_synced_and_stops_cleanly()
    {
        await _cluster.CreateConfigMapAsync("one");
        var informer = new Informer<V1ConfigMap>(_cluster.ConfigMaps);
        var controller = new Controller("configmaps", new RecordingReconciler("solo", _reconciles));
        controller.Watch(informer);
        var host = new ControllerHost([controller]);

        await host.StartAsync(CancellationToken.None);
        await WaitForReconcileAsync("solo", "default/one");
        informer.HasSynced.Should().BeTrue();

        await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_host_of_caches_only_runs_its_informers_without_campaigning()
    {
        var informer = new Informer<V1ConfigMap>(_cluster.ConfigMaps);
        var (_, leases) = Replica("unused");
        var elector = new LeaderElector(leases, new LeaderElectionOptions { LeaseName = "gateway", LeaseNamespace = "bastio-system" });
        await using var host = new ControllerHost([], [informer], elector);

        await host.StartAsync(CancellationToken.None);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await _cluster.CreateConfigMapAsync("seen");
        await Eventually.UntilAsync(() => informer.Store.Get("default", "seen") is not null, "the cache follows the cluster");

        (await _cluster.Client.Leases().TryGetAsync("bastio-system", "gateway")).Should().BeNull();
    }

    private (ControllerHost Host, PartitionableResourceClient<V1Lease> Leases) Replica(string name)
    {
        var client = _cluster.NewClient();
        var informer = new Informer<V1ConfigMap>(client.ConfigMaps());
        var controller = new Controller("configmaps", new RecordingReconciler(name, _reconciles));
        controller.Watch(informer);
        var leases = new PartitionableResourceClient<V1Lease>(client.Leases());
        var elector = new LeaderElector(leases, new LeaderElectionOptions
        {
            LeaseName = "bastio-operator",
            LeaseNamespace = "bastio-system",
            Identity = name,
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(250),
        });
        return (new ControllerHost([controller], leaderElector: elector), leases);
    }

    private Task WaitForReconcileAsync(string replica, string key) =>
        Eventually.UntilAsync(() => _reconciles.Contains((replica, key)), $"{replica} reconciled {key}");

    private sealed class RecordingReconciler(string replica, ConcurrentQueue<(string, string)> log) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            log.Enqueue((replica, key.ToString()));
            return Task.FromResult(ReconcileResult.Done);
        }
    }
}
