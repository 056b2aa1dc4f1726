using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.Objects;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Runtime.Objects;

public sealed class FinalizerTests : IAsyncLifetime
{
    private const string Finalizer = "example.com/cleanup";

    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_object_already_terminating_at_start_up_is_finalized_without_any_new_event()
    {
        await _cluster.CreateConfigMapAsync("held", finalizers: [Finalizer]);
        (await _cluster.ConfigMaps.DeleteAsync("default", "held")).Should().NotBeNull("the finalizer holds it");
        await _cluster.CreateConfigMapAsync("alive");

        using var stop = new CancellationTokenSource();
        var informer = new Informer<V1ConfigMap>(_cluster.ConfigMaps);
        var cleanedUp = new List<string>();
        var reconciler = new DelegateReconciler(async (key, ct) =>
        {
            var obj = informer.Store.Get(key);
            if (obj is not null && Finalizers.IsTerminating(obj) && Finalizers.Has(obj, Finalizer))
            {
                lock (cleanedUp)
                {
                    cleanedUp.Add(key.ToString());
                }

                await Finalizers.RemoveAsync(_cluster.ConfigMaps, obj, Finalizer, ct);
            }

            return ReconcileResult.Done;
        });
        var controller = new Controller("configmaps", reconciler);
        controller.Watch(informer);
        await using var host = new ControllerHost([controller]);
        await host.StartAsync(CancellationToken.None);

        await Eventually.UntilAsync(async () => await _cluster.ConfigMaps.TryGetAsync("default", "held") is null, "the held object is gone");
        cleanedUp.Should().Equal("default/held");
        (await _cluster.ConfigMaps.TryGetAsync("default", "alive")).Should().NotBeNull();
    }

    [Fact]
    public async Task Ensure_adds_once_and_Remove_removes_only_its_own_finalizer()
    {
        var created = await _cluster.CreateConfigMapAsync("cm", finalizers: ["other.io/keep"]);

        var ensured = await Finalizers.EnsureAsync(_cluster.ConfigMaps, created, Finalizer);
        var writes = _cluster.Server.WriteCount;
        var again = await Finalizers.EnsureAsync(_cluster.ConfigMaps, ensured!, Finalizer);

        again!.Metadata.Finalizers.Should().Equal("other.io/keep", Finalizer);
        _cluster.Server.WriteCount.Should().Be(writes, "nothing to add means nothing written");
        var removed = await Finalizers.RemoveAsync(_cluster.ConfigMaps, again, Finalizer);
        removed!.Metadata.Finalizers.Should().Equal("other.io/keep");
    }

    [Fact]
    public async Task A_stale_copy_conflicts_and_is_retried_without_losing_the_other_writers_finalizer()
    {
        var stale = await _cluster.CreateConfigMapAsync("cm");
        var fresh = await _cluster.ConfigMaps.GetAsync("default", "cm");
        await Finalizers.EnsureAsync(_cluster.ConfigMaps, fresh, "other.io/first");

        var result = await Finalizers.EnsureAsync(_cluster.ConfigMaps, stale, Finalizer);

        result!.Metadata.Finalizers.Should().BeEquivalentTo("other.io/first", Finalizer);
        (await _cluster.ConfigMaps.GetAsync("default", "cm")).Metadata.Finalizers.Should().BeEquivalentTo("other.io/first", Finalizer);
    }

    [Fact]
    public async Task Injected_409s_are_retried()
    {
        var created = await _cluster.CreateConfigMapAsync("cm");
        _cluster.Faults.FailNextWrites(2, 409);

        var result = await Finalizers.EnsureAsync(_cluster.ConfigMaps, created, Finalizer);

        result!.Metadata.Finalizers.Should().Equal(Finalizer);
    }

    [Fact]
    public async Task Removing_the_last_finalizer_of_a_terminating_object_returns_null_as_it_is_gone()
    {
        await _cluster.CreateConfigMapAsync("cm", finalizers: [Finalizer]);
        var terminating = await _cluster.ConfigMaps.DeleteAsync("default", "cm");

        (await Finalizers.EnsureAsync(_cluster.ConfigMaps, terminating!, "late.io/x"))!.Metadata.Finalizers.Should().Equal(
            [Finalizer], "no finalizer may be added once deletion started");
        (await Finalizers.RemoveAsync(_cluster.ConfigMaps, terminating!, Finalizer)).Should().BeNull();
        (await _cluster.ConfigMaps.TryGetAsync("default", "cm")).Should().BeNull();
    }

    private sealed class DelegateReconciler(Func<ObjectKey, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => reconcile(key, cancellationToken);
    }
}
