using Bastio.Kubernetes.Runtime.Objects;

namespace Bastio.Kubernetes.Tests.Runtime.Objects;

public sealed class StatusUpdaterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private ClusterHarness _cluster = null!;
    private Widget _widget = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterHarness.StartAsync();
        var widget = Widget.Create("default", "w");
        widget.Spec.Size = 1;
        _widget = await _cluster.Widgets.CreateAsync(widget);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Writes_a_changed_status_and_nothing_when_a_reconcile_changes_nothing()
    {
        var updated = await _cluster.Widgets.UpdateStatusAsync(_widget, MarkReady);
        var writes = _cluster.Server.WriteCount;

        var again = await _cluster.Widgets.UpdateStatusAsync(updated!, MarkReady);

        updated!.Status!.Phase.Should().Be("Ready");
        updated.Status.ObservedGeneration.Should().Be(_widget.Metadata.Generation);
        _cluster.Server.WriteCount.Should().Be(writes, "a no-op reconcile writes nothing");
        again!.Metadata.ResourceVersion.Should().Be(updated.Metadata.ResourceVersion);
        _widget.Status.Should().BeNull("the caller's (possibly cached) object is not modified");
    }

    [Fact]
    public async Task A_stale_object_conflicts_and_the_status_is_recomputed_from_the_fresh_one()
    {
        var fresh = await _cluster.Widgets.GetAsync("default", "w");
        fresh.Spec.Size = 2;
        var changed = await _cluster.Widgets.ReplaceAsync(fresh);

        var updated = await _cluster.Widgets.UpdateStatusAsync(_widget, MarkReady);

        changed.Metadata.Generation.Should().BeGreaterThan(_widget.Metadata.Generation!.Value);
        updated!.Status!.ObservedGeneration.Should().Be(changed.Metadata.Generation);
        updated.Spec.Size.Should().Be(2);
    }

    [Fact]
    public async Task Injected_409s_are_retried()
    {
        _cluster.Faults.FailNextWrites(3, 409);

        var updated = await _cluster.Widgets.UpdateStatusAsync(_widget, MarkReady);

        updated!.Status!.Phase.Should().Be("Ready");
        (await _cluster.Widgets.GetAsync("default", "w")).Status!.Phase.Should().Be("Ready");
    }

    private static void MarkReady(Widget w)
    {
        w.Status ??= new WidgetStatus();
        w.Status.Phase = "Ready";
        Conditions.Set(w.Status, "Ready", Conditions.True, "Synced", "all good", w.Metadata.Generation, Now);
    }
}

internal static class WidgetStatusExtensions
{
    public static Task<Widget?> UpdateStatusAsync(this Bastio.Kubernetes.Api.IResourceClient<Widget> client, Widget current, Action<Widget> mutate) =>
        StatusUpdater.UpdateAsync(client, WidgetJsonContext.Default.Widget, current, mutate);
}
