using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class WatchTests : ClusterTestBase
{
    internal override TestClusterOptions Options() => new() { WatchHistorySize = 50, BookmarkInterval = TimeSpan.FromMilliseconds(200) };

    private static string Type(JsonNode? e) => (string)e!["type"]!;

    private static string Name(JsonNode? e) => (string)e!["object"]!["metadata"]!["name"]!;

    [Fact]
    public async Task A_watch_from_zero_starts_with_the_current_objects_then_streams_changes()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("existing"));
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=0");

        var added = await watch.NextAsync();
        (Type(added), Name(added)).Should().Be(("ADDED", "existing"));

        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("new"));
        await Client.PatchAsync(Samples.WidgetsPath + "/new", JsonNode.Parse("""{"spec":{"size":9}}""")!);
        var deleted = await Client.DeleteAsync(Samples.WidgetsPath + "/new");

        (Type(await watch.NextAsync()), Type(await watch.NextAsync())).Should().Be(("ADDED", "MODIFIED"));
        var gone = await watch.NextAsync();
        Type(gone).Should().Be("DELETED");
        deleted.Status.Should().Be(HttpStatusCode.OK);
        long.Parse((string)gone!["object"]!["metadata"]!["resourceVersion"]!).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_watch_from_a_version_replays_only_later_changes()
    {
        var first = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("w1"));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("w2"));
        await Client.PostAsync("/api/v1/namespaces/default/configmaps", Samples.ConfigMap("other-kind"));

        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=" + first.Rv);

        Name(await watch.NextAsync()).Should().Be("w2");
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("w3"));
        Name(await watch.NextAsync()).Should().Be("w3");
    }

    [Fact]
    public async Task Selector_watches_see_objects_enter_and_leave_the_selection()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("s"));
        var list = await Client.GetAsync(Samples.WidgetsPath + "?labelSelector=app%3Dweb");
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + list.Rv);

        await Client.PatchAsync(Samples.WidgetsPath + "/s", JsonNode.Parse("""{"metadata":{"labels":{"app":"web"}}}""")!);
        await Client.PatchAsync(Samples.WidgetsPath + "/s", JsonNode.Parse("""{"spec":{"size":4}}""")!);
        await Client.PatchAsync(Samples.WidgetsPath + "/s", JsonNode.Parse("""{"metadata":{"labels":{"app":"db"}}}""")!);

        Type(await watch.NextAsync()).Should().Be("ADDED");
        Type(await watch.NextAsync()).Should().Be("MODIFIED");
        Type(await watch.NextAsync()).Should().Be("DELETED");
    }

    [Fact]
    public async Task Bookmarks_carry_a_resumable_version_when_allowed()
    {
        var list = await Client.GetAsync(Samples.WidgetsPath);
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + list.Rv);

        var bookmark = await watch.NextAsync();

        Type(bookmark).Should().Be("BOOKMARK");
        bookmark!["object"]!["kind"]!.GetValue<string>().Should().Be("Widget");
        bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be(list.Rv);
    }

    [Fact]
    public async Task SendInitialEvents_ends_the_initial_state_with_an_annotated_bookmark()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("init"));
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");

        Type(await watch.NextAsync()).Should().Be("ADDED");
        var end = await watch.NextAsync();
        Type(end).Should().Be("BOOKMARK");
        end!["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>().Should().Be("true");
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream()
    {
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&timeoutSeconds=1");

        (await watch.NextAsync(TimeSpan.FromSeconds(15))).Should().BeNull();
    }

    [Fact]
    public async Task A_version_older_than_the_history_is_200_then_an_in_stream_410_Expired()
    {
        var old = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("old"));
        for (var i = 0; i < 60; i++)
        {
            await Client.PatchAsync(Samples.WidgetsPath + "/old", new JsonObject { ["spec"] = new JsonObject { ["size"] = i + 10 } });
        }

        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=" + old.Rv);

        watch.Status.Should().Be(HttpStatusCode.OK, "the watch cache answers a too-old version inside the stream");
        var error = await watch.NextAsync();
        Type(error).Should().Be("ERROR");
        error!["object"]!["kind"]!.GetValue<string>().Should().Be("Status");
        error["object"]!["code"]!.GetValue<int>().Should().Be(410);
        error["object"]!["reason"]!.GetValue<string>().Should().Be("Expired");
        error["object"]!["message"]!.GetValue<string>().Should().StartWith($"too old resource version: {old.Rv} (");
        (await watch.NextAsync()).Should().BeNull("the stream ends after the error");
    }

    [Fact]
    public async Task Deleting_the_CRD_deletes_its_objects_and_ends_their_watches()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("doomed"));
        var list = await Client.GetAsync(Samples.WidgetsPath);
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=" + list.Rv);

        await Client.DeleteAsync(Samples.CrdsPath + "/widgets.example.com");

        var deleted = await watch.NextAsync();
        (Type(deleted), Name(deleted)).Should().Be(("DELETED", "doomed"));
        (await watch.NextAsync()).Should().BeNull();
    }

    [Fact]
    public async Task Watch_events_can_be_one_row_tables()
    {
        var list = await Client.GetAsync(Samples.WidgetsPath);
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=" + list.Rv, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("tabled", size: 6));
        await Client.PatchAsync(Samples.WidgetsPath + "/tabled", JsonNode.Parse("""{"spec":{"size":7}}""")!);

        var first = (await watch.NextAsync())!["object"]!;
        first["kind"]!.GetValue<string>().Should().Be("Table");
        first["columnDefinitions"]!.AsArray().Should().NotBeEmpty();
        first["rows"]![0]!["cells"]![1]!.GetValue<long>().Should().Be(6);
        var second = (await watch.NextAsync())!["object"]!;
        second["rows"]![0]!["cells"]![1]!.GetValue<long>().Should().Be(7);
    }
}
