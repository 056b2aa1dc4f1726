using System.Threading.Channels;
using Bastio.Testing;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>Watches through the client's own watch support: events, bookmarks, and both shapes of 410 expiry.</summary>
public sealed class WatchTests : ConformanceTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    protected override void Configure(TestClusterOptions options)
    {
        options.WatchHistorySize = 20;
        options.BookmarkInterval = TimeSpan.FromMilliseconds(200);
    }

    private sealed class Recorder
    {
        public Channel<(WatchEventType Type, V1ConfigMap Object)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();
        public Channel<Exception> Errors { get; } = Channel.CreateUnbounded<Exception>();
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<(WatchEventType Type, V1ConfigMap Object)> NextAsync() => await Events.Reader.ReadAsync().AsTask().WaitAsync(Wait);
    }

    private Watcher<V1ConfigMap> Watch(Recorder recorder, string? resourceVersion, bool bookmarks = false, string? labelSelector = null) =>
        Client.CoreV1.WatchListNamespacedConfigMap(
            Ns, allowWatchBookmarks: bookmarks, labelSelector: labelSelector, resourceVersion: resourceVersion,
            onEvent: (type, item) => recorder.Events.Writer.TryWrite((type, item)),
            onError: e => recorder.Errors.Writer.TryWrite(e),
            onClosed: () => recorder.Closed.TrySetResult());

    private Task<V1ConfigMap> CreateAsync(string name) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, Ns);

    [Fact]
    public async Task WatchAsync_streams_added_modified_and_deleted_after_the_listed_version()
    {
        await CreateAsync("before");
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        using var cts = new CancellationTokenSource(Wait);
        var events = new List<(WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in Client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                events.Add((type, item.Metadata.Name));
                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });

        await Eventually.UntilAsync(() => Cluster.Faults.OpenWatches == 1, "the watch is open");
        await CreateAsync("after");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"a":"1"}}""", V1Patch.PatchType.MergePatch), "after", Ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("after", Ns);
        await watching.WaitAsync(Wait);

        events.Should().Equal((WatchEventType.Added, "after"), (WatchEventType.Modified, "after"), (WatchEventType.Deleted, "after"));
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resourceVersion()
    {
        var created = await CreateAsync("marked");
        var recorder = new Recorder();
        using var watcher = Watch(recorder, created.Metadata.ResourceVersion, bookmarks: true);

        var bookmark = await recorder.NextAsync();

        bookmark.Type.Should().Be(WatchEventType.Bookmark);
        bookmark.Object.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_watch_from_a_too_old_version_gets_200_then_an_in_stream_410_Expired()
    {
        var first = await CreateAsync("old");
        for (var i = 0; i < 30; i++)
        {
            await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch($$$"""{"data":{"n":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), "old", Ns);
        }

        var recorder = new Recorder();
        using var watcher = Watch(recorder, first.Metadata.ResourceVersion);

        var error = await recorder.Errors.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var status = error.Should().BeOfType<KubernetesException>().Which.Status;
        (status.Code, status.Reason).Should().Be((410, "Expired"));
        await recorder.Closed.Task.WaitAsync(Wait);
        recorder.Events.Reader.TryRead(out _).Should().BeFalse("nothing but the error arrives");
    }

    [Fact]
    public async Task A_watch_expired_mid_stream_gets_its_events_then_an_ERROR_410()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        var recorder = new Recorder();
        using var watcher = Watch(recorder, list.Metadata.ResourceVersion);
        await Eventually.UntilAsync(() => Cluster.Faults.OpenWatches == 1, "the watch is open");
        await CreateAsync("seen");
        (await recorder.NextAsync()).Object.Metadata.Name.Should().Be("seen");

        Cluster.Faults.ExpireOpenWatches();

        var error = await recorder.Errors.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        error.Should().BeOfType<KubernetesException>().Which.Status.Code.Should().Be(410);
        await recorder.Closed.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_label_selector_watch_sees_objects_enter_and_leave_the_selection()
    {
        await CreateAsync("moving");
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        var recorder = new Recorder();
        using var watcher = Watch(recorder, list.Metadata.ResourceVersion, labelSelector: "tier=web");
        await Eventually.UntilAsync(() => Cluster.Faults.OpenWatches == 1, "the watch is open");

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"tier":"web"}}}""", V1Patch.PatchType.MergePatch), "moving", Ns);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"tier":"db"}}}""", V1Patch.PatchType.MergePatch), "moving", Ns);

        (await recorder.NextAsync()).Type.Should().Be(WatchEventType.Added);
        (await recorder.NextAsync()).Type.Should().Be(WatchEventType.Deleted);
    }
}
