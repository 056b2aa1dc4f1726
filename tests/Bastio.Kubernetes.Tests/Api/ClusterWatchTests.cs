using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Api;

public sealed class ClusterWatchTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly IKubernetes _client = cluster.Client;

    private static V1ConfigMap Map(string ns, string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns } };

    /// <summary>Reads events until <paramref name="until"/> holds, failing at the deadline rather than hanging.</summary>
    private static async Task<List<WatchEvent<V1ConfigMap>>> ReadUntil(IAsyncEnumerator<WatchEvent<V1ConfigMap>> events, Func<List<WatchEvent<V1ConfigMap>>, bool> until)
    {
        var seen = new List<WatchEvent<V1ConfigMap>>();
        while (!until(seen))
        {
            (await events.MoveNextAsync().AsTask().WaitAsync(Deadline)).Should().BeTrue("the stream should stay open until the expected events arrive");
            seen.Add(events.Current);
        }

        return seen;
    }

    [Fact]
    public async Task A_watch_from_the_list_version_sees_changes_in_order_with_bookmarks()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();
        await maps.CreateAsync(Map(ns, "before"));
        var list = await maps.ListAsync(ns);
        using var cts = new CancellationTokenSource(Deadline);
        await using var events = maps.WatchAsync(ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion }, cts.Token).GetAsyncEnumerator(cts.Token);

        // The watch starts at the list's version, so changes made before its request lands are still delivered.
        await maps.CreateAsync(Map(ns, "m"));
        await maps.PatchAsync(ns, "m", PatchType.Merge, """{"data":{"a":"b"}}""");
        await maps.DeleteAsync(ns, "m");
        var seen = await ReadUntil(events, s => s.Any(e => e.Type == WatchEventType.Deleted) && s.Any(e => e.Type == WatchEventType.Bookmark));

        seen.Where(e => e.Type != WatchEventType.Bookmark).Select(e => (e.Type, e.Object.Metadata.Name)).Should().Equal(
            (WatchEventType.Added, "m"), (WatchEventType.Modified, "m"), (WatchEventType.Deleted, "m"));
        seen.Should().Contain(e => e.Type == WatchEventType.Bookmark && !string.IsNullOrEmpty(e.Object.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task A_watch_without_a_version_starts_with_synthetic_ADDED_events_and_honours_selectors()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();
        await maps.CreateAsync(Map(ns, "a"));
        await maps.CreateAsync(Map(ns, "b"));
        using var cts = new CancellationTokenSource(Deadline);
        await using var events = maps.WatchAsync(ns, new WatchOptions { FieldSelector = "metadata.name=b", AllowWatchBookmarks = false }, cts.Token).GetAsyncEnumerator(cts.Token);

        var seen = await ReadUntil(events, s => s.Count == 1);

        seen.Single().Type.Should().Be(WatchEventType.Added);
        seen.Single().Object.Metadata.Name.Should().Be("b");
    }

    [Fact]
    public async Task A_410_answered_as_HTTP_status_throws_GoneException()
    {
        var ns = await cluster.NewNamespaceAsync();
        cluster.Server.Faults.ExpireNextWatches(1, inStream: false);

        await _client.ConfigMaps().Invoking(m => Drain(m.WatchAsync(ns, new WatchOptions { ResourceVersion = "1" }))).Should().ThrowAsync<GoneException>();
    }

    [Fact]
    public async Task A_410_sent_as_an_ERROR_event_throws_GoneException()
    {
        var ns = await cluster.NewNamespaceAsync();
        cluster.Server.Faults.ExpireNextWatches(1, inStream: true);

        await _client.ConfigMaps().Invoking(m => Drain(m.WatchAsync(ns, new WatchOptions { ResourceVersion = "1" }))).Should().ThrowAsync<GoneException>();
    }

    [Fact]
    public async Task A_version_older_than_the_history_is_Gone()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();
        var old = (await maps.CreateAsync(Map(ns, "m"))).Metadata.ResourceVersion;
        await maps.PatchAsync(ns, "m", PatchType.Merge, """{"data":{"a":"b"}}""");
        cluster.Server.Faults.CompactHistory();

        await maps.Invoking(m => Drain(m.WatchAsync(ns, new WatchOptions { ResourceVersion = old }))).Should().ThrowAsync<GoneException>();
    }

    [Fact]
    public async Task A_stream_dropped_after_its_events_simply_ends_the_watch()
    {
        var ns = await cluster.NewNamespaceAsync();
        using var cts = new CancellationTokenSource(Deadline);
        var list = await _client.ConfigMaps().ListAsync(ns);
        var received = 0;
        var watch = Task.Run(async () =>
        {
            await foreach (var _ in _client.ConfigMaps().WatchAsync(ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowWatchBookmarks = false }, cts.Token))
            {
                Interlocked.Increment(ref received);
            }
        });
        await _client.ConfigMaps().CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = ns } });
        await Eventually.UntilAsync(() => Volatile.Read(ref received) > 0, "the watch delivered the event");

        // The server holds the stream open: cut it.
        var deadline = DateTime.UtcNow + Deadline;
        while (!watch.IsCompleted && DateTime.UtcNow < deadline)
        {
            cluster.Server.Faults.DropWatches();
            await Task.WhenAny(watch, Task.Delay(50, cts.Token));
        }

        await watch.WaitAsync(Deadline);
        cts.IsCancellationRequested.Should().BeFalse("the watch ended because the server closed it, not because of the deadline");
    }

    [Fact]
    public async Task A_server_side_timeout_ends_the_stream()
    {
        var ns = await cluster.NewNamespaceAsync();
        var list = await _client.ConfigMaps().ListAsync(ns);

        var watch = Drain(_client.ConfigMaps().WatchAsync(ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, Timeout = TimeSpan.FromSeconds(1) }));

        await watch.WaitAsync(Deadline);
    }

    private static async Task Drain(IAsyncEnumerable<WatchEvent<V1ConfigMap>> events)
    {
        await foreach (var unused in events)
        {
            _ = unused;
        }
    }
}
