using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Kubernetes.Tests.Runtime.Informers;

/// <summary>
/// The informer against the test cluster over HTTPS: every way a watch can break, and deletions made
/// while it was broken still reported.
/// </summary>
public sealed class InformerClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Bookmarks = TimeSpan.FromMilliseconds(200);

    // Several bookmark intervals: a healthy stream is never mistaken for a silent one.
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private ClusterHarness _cluster = null!;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterHarness.StartAsync(Bookmarks, "other");
        await _cluster.CreateConfigMapAsync("keep");
        await _cluster.CreateConfigMapAsync("doomed");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        await _cluster.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task Lists_watches_and_scopes_to_namespaces_and_labels()
    {
        await _cluster.ConfigMaps.CreateAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "labelled", NamespaceProperty = "other", Labels = new Dictionary<string, string>() { ["app"] = "x" } },
        });
        await _cluster.CreateConfigMapAsync("unlabelled", "other");
        var options = new InformerOptions { LabelSelector = "app=x" };
        options.Namespaces.Add("other");
        var (informer, events) = await StartAsync(options);

        informer.Store.List().Select(c => c.Metadata.Name).Should().Equal("labelled");
        await _cluster.ConfigMaps.CreateAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "later", NamespaceProperty = "other", Labels = new Dictionary<string, string>() { ["app"] = "x" } },
        });
        await _cluster.CreateConfigMapAsync("elsewhere");

        await events.WaitForAsync(InformerEventType.Added, "later");
        informer.Store.Get("default", "elsewhere").Should().BeNull();
        informer.LastSyncTime.Should().NotBeNull();
    }

    [Fact]
    public async Task A_dropped_stream_is_resumed_and_still_reports_deletions()
    {
        var (informer, events) = await StartAsync();

        // Synced means listed; the watch request may still be on its way, and dropping nothing proves nothing.
        await Eventually.UntilAsync(() => _cluster.Faults.OpenWatches >= 1, "the informer's watch is open");
        _cluster.Faults.DropWatches();
        await _cluster.ConfigMaps.DeleteAsync("default", "doomed");
        await Eventually.UntilAsync(() => informer.WatchRestarts >= 1, "the informer noticed the dropped stream");
        await _cluster.CreateConfigMapAsync("born");

        await events.WaitForAsync(InformerEventType.Deleted, "doomed");
        await events.WaitForAsync(InformerEventType.Added, "born");
        informer.Relists.Should().Be(0, "a dropped stream resumes from the last version without relisting");
        informer.Store.List().Select(c => c.Metadata.Name).Should().BeEquivalentTo("keep", "born");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_410_relists_and_reports_deletions_made_while_no_event_could_arrive(bool inStream)
    {
        var (informer, events) = await StartAsync(new InformerOptions { WatchdogTimeout = Watchdog });

        // The stalled stream never delivers the deletion: the watchdog abandons it, and the next watch gets 410.
        _cluster.Faults.StallWatches();
        await _cluster.ConfigMaps.DeleteAsync("default", "doomed");
        _cluster.Faults.ExpireNextWatches(1, inStream);

        await events.WaitForAsync(InformerEventType.Deleted, "doomed");
        informer.Relists.Should().Be(1);
        informer.Store.List().Select(c => c.Metadata.Name).Should().Equal("keep");

        _cluster.Faults.ResumeWatches();
        await _cluster.CreateConfigMapAsync("after");
        await events.WaitForAsync(InformerEventType.Added, "after");
    }

    [Fact]
    public async Task Compacted_history_forces_a_relist_that_reports_deletions()
    {
        var (informer, events) = await StartAsync(new InformerOptions { WatchdogTimeout = Watchdog });

        _cluster.Faults.StallWatches();
        await _cluster.ConfigMaps.DeleteAsync("default", "doomed");
        _cluster.Faults.CompactHistory();

        await events.WaitForAsync(InformerEventType.Deleted, "doomed");
        informer.Relists.Should().Be(1);
        _cluster.Faults.ResumeWatches();
    }

    [Fact]
    public async Task A_silent_stream_is_restarted_by_the_watchdog_and_reports_deletions()
    {
        var (informer, events) = await StartAsync(new InformerOptions { WatchdogTimeout = Watchdog });
        await _cluster.CreateConfigMapAsync("seen");
        await events.WaitForAsync(InformerEventType.Added, "seen");

        _cluster.Faults.StallWatches();
        await _cluster.ConfigMaps.DeleteAsync("default", "doomed");
        await Eventually.UntilAsync(() => informer.WatchRestarts >= 1, "the watchdog restarted the silent watch");

        // An event already on the wire when the stall began may still land, so the last contact is not
        // pinned to one instant; what matters is that the silent period itself never counted as contact.
        var contactAtRestart = informer.LastSyncTime!.Value;
        (DateTimeOffset.UtcNow - contactAtRestart).Should().BeGreaterThanOrEqualTo(Watchdog, "a silent stream is no confirmed contact");
        _cluster.Faults.ResumeWatches();

        await events.WaitForAsync(InformerEventType.Deleted, "doomed");
        informer.Relists.Should().Be(0);
        informer.LastSyncTime.Should().BeAfter(contactAtRestart);
    }

    [Fact]
    public async Task An_unavailable_api_server_is_retried_with_backoff_until_it_returns()
    {
        var (informer, events) = await StartAsync(new InformerOptions { MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) });

        _cluster.Faults.Unavailable = true;
        _cluster.Faults.DropWatches();
        await Eventually.UntilAsync(() => informer.WatchRestarts >= 3, "reconnects were attempted while the server was gone");
        _cluster.Faults.Unavailable = false;
        await _cluster.ConfigMaps.DeleteAsync("default", "doomed");

        await events.WaitForAsync(InformerEventType.Deleted, "doomed");
    }

    private async Task<(Informer<V1ConfigMap> Informer, EventCollector<V1ConfigMap> Events)> StartAsync(InformerOptions? options = null)
    {
        var informer = new Informer<V1ConfigMap>(_cluster.ConfigMaps, options);
        var events = new EventCollector<V1ConfigMap>(informer);
        _running = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (informer, events);
    }
}
