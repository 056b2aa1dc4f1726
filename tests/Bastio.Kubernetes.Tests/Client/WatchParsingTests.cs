using System.IO.Pipelines;
using System.Net;
using System.Text;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class WatchParsingTests
{
    private static StubHandler Streaming(string lines) =>
        new((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(lines, Encoding.UTF8, "application/json") });

    private static async Task<List<WatchEvent<ConfigMap>>> Collect(IAsyncEnumerable<WatchEvent<ConfigMap>> events)
    {
        var seen = new List<WatchEvent<ConfigMap>>();
        await foreach (var e in events)
        {
            seen.Add(e);
        }

        return seen;
    }

    [Fact]
    public async Task Events_of_every_type_are_parsed_in_order()
    {
        var handler = Streaming("""
            {"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"1"}}}
            {"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"2"}}}

            {"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"3"}}}
            {"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"4"}}}
            """);
        using var client = StubClient.Create(handler);

        var events = await Collect(client.ConfigMaps().WatchAsync("default", new WatchOptions { ResourceVersion = "0" }));

        events.Select(e => (e.Type, e.Object.Metadata.ResourceVersion)).Should().Equal(
            (WatchEventType.Added, "1"), (WatchEventType.Modified, "2"), (WatchEventType.Bookmark, "3"), (WatchEventType.Deleted, "4"));
    }

    [Fact]
    public async Task The_watch_query_asks_for_bookmarks_and_a_randomized_timeout_of_5_to_10_minutes()
    {
        var handler = Streaming("");
        using var client = StubClient.Create(handler);
        for (var i = 0; i < 20; i++)
        {
            await Collect(client.ConfigMaps().WatchAsync(null, new WatchOptions { ResourceVersion = "17", LabelSelector = "a=b" }));
        }

        await Collect(client.ConfigMaps().WatchAsync(null, new WatchOptions { Timeout = TimeSpan.FromSeconds(30), AllowWatchBookmarks = false }));

        var queries = handler.Requests.Select(r => System.Web.HttpUtility.ParseQueryString(r.Uri.Query)).ToList();
        queries[0]["watch"].Should().Be("true");
        queries[0]["resourceVersion"].Should().Be("17");
        queries[0]["labelSelector"].Should().Be("a=b");
        queries[0]["allowWatchBookmarks"].Should().Be("true");
        var timeouts = queries.Take(20).Select(q => int.Parse(q["timeoutSeconds"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        timeouts.Should().AllSatisfy(t => t.Should().BeInRange(300, 600));
        timeouts.Distinct().Should().HaveCountGreaterThan(1, "the timeout is randomized so watchers do not reconnect in lockstep");
        queries[20]["timeoutSeconds"].Should().Be("30");
        queries[20]["allowWatchBookmarks"].Should().BeNull();
        handler.Requests.Last().PathAndQuery.Should().StartWith("/api/v1/configmaps?");
    }

    [Fact]
    public async Task An_ERROR_410_event_throws_GoneException_after_the_events_before_it()
    {
        var handler = Streaming("""
            {"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"1"}}}
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (120)","reason":"Expired","code":410}}
            """);
        using var client = StubClient.Create(handler);
        var seen = new List<WatchEvent<ConfigMap>>();

        var act = async () =>
        {
            await foreach (var e in client.ConfigMaps().WatchAsync("default", new WatchOptions()))
            {
                seen.Add(e);
            }
        };

        (await act.Should().ThrowAsync<GoneException>()).Which.Message.Should().Be("too old resource version: 5 (120)");
        seen.Should().ContainSingle();
    }

    [Fact]
    public async Task Other_ERROR_events_throw_the_matching_typed_exception()
    {
        using var client = StubClient.Create(Streaming("""
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcd unavailable","reason":"InternalError","code":500}}
            """));

        await client.Invoking(c => Collect(c.ConfigMaps().WatchAsync("default", new WatchOptions()))).Should().ThrowAsync<ServerErrorException>()
            .WithMessage("etcd unavailable");
    }

    [Fact]
    public async Task An_HTTP_410_answer_throws_GoneException()
    {
        using var client = StubClient.Create(new StubHandler((_, _) =>
            StubHandler.Json(HttpStatusCode.Gone, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410}""")));

        await client.Invoking(c => Collect(c.ConfigMaps().WatchAsync("default", new WatchOptions { ResourceVersion = "1" }))).Should().ThrowAsync<GoneException>();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("""{"type":"UPSERTED","object":{}}""")]
    public async Task A_garbled_stream_is_a_precise_InvalidDataException(string line)
    {
        using var client = StubClient.Create(Streaming(line));

        await client.Invoking(c => Collect(c.ConfigMaps().WatchAsync("default", new WatchOptions()))).Should().ThrowAsync<InvalidDataException>()
            .WithMessage("The watch on configmaps*");
    }

    [Fact]
    public async Task Events_are_delivered_as_their_lines_arrive_without_waiting_for_the_stream_to_end()
    {
        var pipe = new Pipe();
        var handler = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) });
        using var client = StubClient.Create(handler);
        await using var events = client.ConfigMaps().WatchAsync("default", new WatchOptions()).GetAsyncEnumerator();

        await pipe.Writer.WriteAsync("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"first\"}}}\n"u8.ToArray());
        (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        events.Current.Object.Metadata.Name.Should().Be("first");

        var next = events.MoveNextAsync().AsTask();
        await Task.Yield();
        next.IsCompleted.Should().BeFalse("the stream is still open and has sent nothing more");
        await pipe.Writer.WriteAsync("{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"first\"}}}\n"u8.ToArray());
        (await next.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        events.Current.Type.Should().Be(WatchEventType.Deleted);

        await pipe.Writer.CompleteAsync();
        (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeFalse();
    }

    [Fact]
    public async Task Cancelling_a_silent_watch_ends_it()
    {
        var pipe = new Pipe();
        using var client = StubClient.Create(new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) }));
        using var cts = new CancellationTokenSource();
        var watch = Collect(client.ConfigMaps().WatchAsync("default", new WatchOptions(), cts.Token));

        await cts.CancelAsync();

        await watch.Invoking(w => w.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
    }
}
