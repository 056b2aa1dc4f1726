using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class FaultTests : ClusterTestBase
{
    [Fact]
    public async Task DropWatches_ends_open_streams()
    {
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=1");

        Server.Faults.DropWatches();

        (await watch.NextAsync()).Should().BeNull();
    }

    [Fact]
    public async Task ExpireNextWatches_answers_410_as_status_or_in_stream()
    {
        Server.Faults.ExpireNextWatches(1);
        (await Client.GetAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=1")).Status.Should().Be(HttpStatusCode.Gone);

        Server.Faults.ExpireNextWatches(1, inStream: true);
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=1");
        watch.Status.Should().Be(HttpStatusCode.OK);
        var error = await watch.NextAsync();
        error!["type"]!.GetValue<string>().Should().Be("ERROR");
        error["object"]!["code"]!.GetValue<int>().Should().Be(410);
        (await watch.NextAsync()).Should().BeNull();

        (await Client.GetAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=1&timeoutSeconds=1")).Status.Should().Be(HttpStatusCode.OK, "only the next watch expires");
    }

    [Fact]
    public async Task CompactHistory_makes_older_versions_expire()
    {
        var created = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("c"));
        await Client.PatchAsync(Samples.WidgetsPath + "/c", JsonNode.Parse("""{"spec":{"size":5}}""")!);

        Server.Faults.CompactHistory();

        await using (var expired = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=" + created.Rv))
        {
            (await expired.NextAsync())!["object"]!["code"]!.GetValue<int>().Should().Be(410);
        }

        var current = await Client.GetAsync(Samples.WidgetsPath);
        (await Client.GetAsync(Samples.WidgetsPath + "?watch=true&timeoutSeconds=1&resourceVersion=" + current.Rv)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(409, "Conflict")]
    [InlineData(500, "InternalError")]
    public async Task FailNextWrites_fails_exactly_that_many_writes(int code, string reason)
    {
        Server.Faults.FailNextWrites(2, code);

        var first = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("f"));
        var second = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("f"));
        var third = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("f"));

        ((int)first.Status).Should().Be(code);
        first.Body["reason"]!.GetValue<string>().Should().Be(reason);
        ((int)second.Status).Should().Be(code);
        third.Status.Should().Be(HttpStatusCode.Created);
        (await Client.GetAsync(Samples.WidgetsPath + "/f")).Status.Should().Be(HttpStatusCode.OK, "reads are never failed");
    }

    [Fact]
    public async Task A_429_carries_Retry_After()
    {
        Server.Faults.FailNextWrites(1, 429, TimeSpan.FromSeconds(2));

        var reply = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("r"));

        reply.Status.Should().Be(HttpStatusCode.TooManyRequests);
        reply.Headers["Retry-After"].Should().Be("2");
        reply.Body["details"]!["retryAfterSeconds"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Stalled_watches_stay_open_and_deliver_after_resume()
    {
        var list = await Client.GetAsync(Samples.WidgetsPath);
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=" + list.Rv);

        Server.Faults.StallWatches();
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("held"));
        (await watch.HasEventWithinAsync(TimeSpan.FromMilliseconds(500))).Should().BeFalse();

        Server.Faults.ResumeWatches();
        (await watch.NextAsync())!["object"]!["metadata"]!["name"]!.GetValue<string>().Should().Be("held");
    }

    [Fact]
    public async Task Unavailable_aborts_connections_until_cleared()
    {
        await using var watch = await Client.WatchAsync(Samples.WidgetsPath + "?watch=true&resourceVersion=1");
        Server.Faults.Unavailable = true;
        var read = () => watch.NextAsync();
        await read.Should().ThrowAsync<Exception>("the open stream is aborted, not ended");
        var act = () => Client.GetAsync("/version");
        await act.Should().ThrowAsync<HttpRequestException>();

        Server.Faults.Unavailable = false;
        (await Client.GetAsync("/version")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Latency_is_added_to_every_request()
    {
        Server.Faults.Latency = TimeSpan.FromMinutes(5);
        using var impatient = new ClusterClient(Server);
        impatient.Http.Timeout = TimeSpan.FromSeconds(1);

        var slow = () => impatient.GetAsync("/version");
        await slow.Should().ThrowAsync<TaskCanceledException>("the request waits out the injected latency");

        Server.Faults.Latency = TimeSpan.Zero;
        (await Client.GetAsync("/version")).Status.Should().Be(HttpStatusCode.OK);
    }
}
