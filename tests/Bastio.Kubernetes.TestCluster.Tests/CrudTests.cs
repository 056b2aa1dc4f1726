using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class CrudTests : ClusterTestBase
{
    [Fact]
    public async Task Create_sets_uid_timestamps_generation_and_a_global_resourceVersion()
    {
        var first = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("a"));
        var second = await Client.PostAsync("/api/v1/namespaces/default/configmaps", Samples.ConfigMap("c"));

        first.Status.Should().Be(HttpStatusCode.Created);
        var meta = first.Body["metadata"]!;
        Guid.TryParse((string?)meta["uid"], out _).Should().BeTrue();
        ((string)meta["creationTimestamp"]!).Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        meta["generation"]!.GetValue<long>().Should().Be(1);
        meta["namespace"]!.GetValue<string>().Should().Be("default");
        long.Parse(second.Rv!).Should().BeGreaterThan(long.Parse(first.Rv!), "one counter serves every kind");
        second.Body["metadata"]!["generation"].Should().BeNull("ConfigMaps have no generation");
    }

    [Fact]
    public async Task Duplicate_names_are_AlreadyExists_and_generateName_makes_unique_names()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("dup"));
        var again = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("dup"));

        again.Status.Should().Be(HttpStatusCode.Conflict);
        again.Body["reason"]!.GetValue<string>().Should().Be("AlreadyExists");
        again.Body["message"]!.GetValue<string>().Should().Be("widgets.example.com \"dup\" already exists");

        var generated = Samples.Widget("");
        generated["metadata"]!.AsObject().Remove("name");
        generated["metadata"]!["generateName"] = "gen-";
        var a = await Client.PostAsync(Samples.WidgetsPath, generated);
        var b = await Client.PostAsync(Samples.WidgetsPath, generated.DeepClone());
        ((string)a.Body["metadata"]!["name"]!).Should().StartWith("gen-").And.NotBe((string)b.Body["metadata"]!["name"]!);
    }

    [Fact]
    public async Task Writes_into_a_missing_namespace_are_404()
    {
        var reply = await Client.PostAsync("/api/v1/namespaces/nowhere/configmaps", Samples.ConfigMap("c"));

        reply.Status.Should().Be(HttpStatusCode.NotFound);
        reply.Body["message"]!.GetValue<string>().Should().Be("namespaces \"nowhere\" not found");
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_NotFound_with_the_upstream_message()
    {
        var reply = await Client.GetAsync(Samples.WidgetsPath + "/ghost");
        reply.Status.Should().Be(HttpStatusCode.NotFound);
        reply.Body["message"]!.GetValue<string>().Should().Be("widgets.example.com \"ghost\" not found");
        reply.Body["details"]!["kind"]!.GetValue<string>().Should().Be("widgets");

        var core = await Client.GetAsync("/api/v1/namespaces/default/configmaps/ghost");
        core.Body["message"]!.GetValue<string>().Should().Be("configmaps \"ghost\" not found");
    }

    [Fact]
    public async Task A_stale_resourceVersion_is_a_Conflict_and_a_noop_update_changes_nothing()
    {
        var created = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("w"))).Body;
        var update = created.DeepClone();
        update["spec"]!["size"] = 4;
        var updated = await Client.PutAsync(Samples.WidgetsPath + "/w", update);
        updated.Status.Should().Be(HttpStatusCode.OK);

        var stale = created.DeepClone();
        stale["spec"]!["size"] = 5;
        var conflict = await Client.PutAsync(Samples.WidgetsPath + "/w", stale);
        conflict.Status.Should().Be(HttpStatusCode.Conflict);
        conflict.Body["reason"]!.GetValue<string>().Should().Be("Conflict");
        conflict.Body["message"]!.GetValue<string>().Should().Be(
            "Operation cannot be fulfilled on widgets.example.com \"w\": the object has been modified; please apply your changes to the latest version and try again");

        var unconditional = updated.Body.DeepClone();
        unconditional["metadata"]!.AsObject().Remove("resourceVersion");
        var refused = await Client.PutAsync(Samples.WidgetsPath + "/w", unconditional);
        refused.Status.Should().Be(HttpStatusCode.UnprocessableEntity, "custom resources need a resourceVersion to update");

        var noop = await Client.PutAsync(Samples.WidgetsPath + "/w", updated.Body);
        noop.Rv.Should().Be(updated.Rv);
        var patchNoop = await Client.PatchAsync(Samples.WidgetsPath + "/w", new JsonObject { ["spec"] = new JsonObject { ["size"] = 4 } });
        patchNoop.Rv.Should().Be(updated.Rv);
    }

    [Fact]
    public async Task Generation_moves_only_with_spec_and_status_is_isolated_both_ways()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("g"));

        var labelled = await Client.PatchAsync(Samples.WidgetsPath + "/g", JsonNode.Parse("""{"metadata":{"labels":{"x":"y"}}}""")!);
        labelled.Body["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var withStatus = await Client.PatchAsync(Samples.WidgetsPath + "/g", JsonNode.Parse("""{"spec":{"size":7},"status":{"phase":"Ignored"}}""")!);
        withStatus.Body["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
        withStatus.Body["status"].Should().BeNull("the main endpoint ignores status");

        var status = await Client.PatchAsync(Samples.WidgetsPath + "/g/status", JsonNode.Parse("""{"spec":{"size":9},"status":{"phase":"Ready"},"metadata":{"labels":{"z":"1"}}}""")!);
        status.Status.Should().Be(HttpStatusCode.OK);
        status.Body["status"]!["phase"]!.GetValue<string>().Should().Be("Ready");
        status.Body["spec"]!["size"]!.GetValue<long>().Should().Be(7, "the status endpoint ignores everything but status");
        status.Body["metadata"]!["labels"]!["z"].Should().BeNull();
        status.Body["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);

        var onCreate = Samples.Widget("born-with-status");
        onCreate["status"] = new JsonObject { ["phase"] = "Lies" };
        (await Client.PostAsync(Samples.WidgetsPath, onCreate)).Body["status"].Should().BeNull();
    }

    [Fact]
    public async Task DryRun_validates_but_stores_nothing()
    {
        var reply = await Client.PostAsync(Samples.WidgetsPath + "?dryRun=All", Samples.Widget("dry"));

        reply.Status.Should().Be(HttpStatusCode.Created);
        reply.Body["spec"]!["color"]!.GetValue<string>().Should().Be("red", "defaults are applied in a dry run too");
        (await Client.GetAsync(Samples.WidgetsPath + "/dry")).Status.Should().Be(HttpStatusCode.NotFound);
        (await Client.PostAsync(Samples.WidgetsPath + "?dryRun=All", Samples.Widget("dry", size: 0))).Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        Server.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task Secrets_merge_stringData_and_refuse_bad_base64_without_echoing_it()
    {
        var secret = JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"YQ=="},"stringData":{"b":"hunter2"}}""")!;
        var created = (await Client.PostAsync("/api/v1/namespaces/default/secrets", secret)).Body;

        created["data"]!["a"]!.GetValue<string>().Should().Be("YQ==");
        created["data"]!["b"]!.GetValue<string>().Should().Be(Convert.ToBase64String("hunter2"u8.ToArray()));
        created["stringData"].Should().BeNull();
        created["type"]!.GetValue<string>().Should().Be("Opaque");

        var bad = JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad"},"data":{"k":"sk-live-$ecret!"}}""")!;
        var reply = await Client.PostAsync("/api/v1/namespaces/default/secrets", bad);
        reply.Status.Should().Be(HttpStatusCode.BadRequest);
        reply.Text.Should().Contain("illegal base64 data").And.NotContain("sk-live");
    }

    [Fact]
    public async Task Server_side_apply_creates_then_merges()
    {
        const string path = "/api/v1/namespaces/default/configmaps/ssa?fieldManager=test&force=true";
        var first = await Client.PatchAsync(path, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"1"}}""", "application/apply-patch+yaml");
        first.Status.Should().Be(HttpStatusCode.Created);

        var second = await Client.PatchAsync(path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  b: \"2\"\n", "application/apply-patch+yaml");
        second.Status.Should().Be(HttpStatusCode.OK);
        second.Body["data"]!["b"]!.GetValue<string>().Should().Be("2");
    }

    [Fact]
    public async Task WriteCount_counts_successful_writes()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("c1"));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("c1"));
        await Client.PatchAsync(Samples.WidgetsPath + "/c1", JsonNode.Parse("""{"spec":{"size":2}}""")!);

        Server.WriteCount.Should().Be(2);
    }
}
