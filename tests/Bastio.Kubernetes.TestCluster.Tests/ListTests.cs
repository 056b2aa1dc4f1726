using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class ListTests : ClusterTestBase
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    private async Task<List<string>> NamesAsync(string query, string path = Samples.WidgetsPath)
    {
        var reply = await Client.GetAsync(path + query);
        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        return [.. reply.Body["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!)];
    }

    [Fact]
    public async Task Label_selectors_support_every_operator()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("a", labels: new JsonObject { ["app"] = "web", ["tier"] = "front" }));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("b", labels: new JsonObject { ["app"] = "db" }));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("c"));

        (await NamesAsync("?labelSelector=app%3Dweb")).Should().Equal("a");
        (await NamesAsync("?labelSelector=app%3D%3Ddb")).Should().Equal("b");
        (await NamesAsync("?labelSelector=app!%3Dweb")).Should().Equal("b", "c");
        (await NamesAsync("?labelSelector=app%20in%20(web,db)")).Should().Equal("a", "b");
        (await NamesAsync("?labelSelector=app%20notin%20(web)")).Should().Equal("b", "c");
        (await NamesAsync("?labelSelector=tier")).Should().Equal("a");
        (await NamesAsync("?labelSelector=!tier")).Should().Equal("b", "c");
        (await NamesAsync("?labelSelector=app,!tier")).Should().Equal("b");
        (await Client.GetAsync(Samples.WidgetsPath + "?labelSelector=a%20in%20web")).Status.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Field_selectors_cover_name_namespace_and_event_objects()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("one"));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("two"));
        (await NamesAsync("?fieldSelector=metadata.name%3Done")).Should().Equal("one");
        (await NamesAsync("?fieldSelector=metadata.name!%3Done,metadata.namespace%3Ddefault")).Should().Equal("two");
        (await NamesAsync("?fieldSelector=metadata.namespace%3Dother", "/apis/example.com/v1/widgets")).Should().BeEmpty();
        (await Client.GetAsync(Samples.WidgetsPath + "?fieldSelector=spec.size%3D1")).Status.Should().Be(HttpStatusCode.BadRequest);

        var ev = JsonNode.Parse("""{"apiVersion":"v1","kind":"Event","metadata":{"name":"e1"},"involvedObject":{"kind":"Widget","name":"one","namespace":"default"},"reason":"Made","type":"Normal","message":"hi"}""")!;
        await Client.PostAsync("/api/v1/namespaces/default/events", ev);
        (await NamesAsync("?fieldSelector=involvedObject.name%3Done,involvedObject.kind%3DWidget", "/api/v1/namespaces/default/events")).Should().Equal("e1");
        (await NamesAsync("?fieldSelector=involvedObject.name%3Dtwo", "/api/v1/namespaces/default/events")).Should().BeEmpty();
    }

    [Fact]
    public async Task Paging_returns_a_consistent_snapshot()
    {
        for (var i = 0; i < 5; i++)
        {
            await Client.PostAsync(Samples.WidgetsPath, Samples.Widget($"p{i}"));
        }

        var first = (await Client.GetAsync(Samples.WidgetsPath + "?limit=2")).Body;
        first["items"]!.AsArray().Should().HaveCount(2);
        first["metadata"]!["remainingItemCount"]!.GetValue<long>().Should().Be(3);
        var token = (string)first["metadata"]!["continue"]!;

        await Client.DeleteAsync(Samples.WidgetsPath + "/p4");
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("p5"));

        var names = new List<string>();
        while (token is not null)
        {
            var page = (await Client.GetAsync(Samples.WidgetsPath + "?limit=2&continue=" + Uri.EscapeDataString(token))).Body;
            page["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be((string)first["metadata"]!["resourceVersion"]!);
            names.AddRange(page["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            token = (string?)page["metadata"]!["continue"]!;
        }

        names.Should().Equal("p2", "p3", "p4");
        (await Client.GetAsync(Samples.WidgetsPath + "?limit=2&continue=bm9wZTox")).Status.Should().Be(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task List_resourceVersion_is_the_current_one()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("rv"));
        var cm = await Client.PostAsync("/api/v1/namespaces/default/configmaps", Samples.ConfigMap("later"));

        (await Client.GetAsync(Samples.WidgetsPath)).Rv.Should().Be(cm.Rv);
    }

    [Fact]
    public async Task Tables_use_printer_columns_with_the_JSONPath_subset()
    {
        var widget = Samples.Widget("t", size: 8);
        widget["spec"]!["parts"] = new JsonArray(new JsonObject { ["name"] = "gear" });
        await Client.PostAsync(Samples.WidgetsPath, widget);
        await Client.PatchAsync(Samples.WidgetsPath + "/t/status", JsonNode.Parse("""{"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""")!);

        var table = (await Client.GetAsync(Samples.WidgetsPath, TableAccept)).Body;

        table["kind"]!.GetValue<string>().Should().Be("Table");
        table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!).Should().Equal("Name", "Size", "Ready", "First", "Age");
        table["columnDefinitions"]![3]!["priority"]!.GetValue<int>().Should().Be(1);
        var row = table["rows"]![0]!;
        var cells = row["cells"]!.AsArray();
        cells[0]!.GetValue<string>().Should().Be("t");
        cells[1]!.GetValue<long>().Should().Be(8);
        cells[2]!.GetValue<string>().Should().Be("True");
        cells[3]!.GetValue<string>().Should().Be("gear");
        cells[4]!.GetValue<string>().Should().MatchRegex(@"^\d+s$");
        row["object"]!["metadata"]!["namespace"]!.GetValue<string>().Should().Be("default");

        var builtIn = (await Client.GetAsync("/api/v1/namespaces", TableAccept)).Body;
        builtIn["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!).Should().Equal("Name", "Status", "Age");
        builtIn["rows"]![0]!["cells"]![1]!.GetValue<string>().Should().Be("Active");
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(125, "2m5s")]
    [InlineData(540, "9m")]
    [InlineData(12_000, "3h20m")]
    [InlineData(187_200, "2d4h")]
    [InlineData(400 * 86_400, "400d")]
    [InlineData(760 * 86_400, "2y30d")]
    [InlineData(-5, "<invalid>")]
    public void Ages_are_formatted_like_kubectl(long seconds, string expected) =>
        Tables.HumanDuration.Format(TimeSpan.FromSeconds(seconds)).Should().Be(expected);
}
