using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class PatchTests : ClusterTestBase
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Merge_patch_merges_objects_and_null_deletes()
    {
        await Client.PostAsync(ConfigMaps, JsonNode.Parse("""{"metadata":{"name":"m","labels":{"a":"1","b":"2"}},"data":{"x":"1","y":"2"}}""")!);

        var reply = await Client.PatchAsync(ConfigMaps + "/m", JsonNode.Parse("""{"metadata":{"labels":{"a":null,"c":"3"}},"data":{"y":"9"}}""")!);

        reply.Body["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"b":"2","c":"3"}""");
        reply.Body["data"]!.ToJsonString().Should().Be("""{"x":"1","y":"9"}""");
    }

    [Fact]
    public async Task Json_patch_applies_operations_and_a_failed_test_changes_nothing()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("j"));
        var wrongShape = JsonNode.Parse("""[{"op":"copy","from":"/spec/size","path":"/metadata/annotations"}]""")!;
        var bad = await Client.PatchAsync(Samples.WidgetsPath + "/j", wrongShape, "application/json-patch+json");
        bad.Status.Should().Be(HttpStatusCode.BadRequest, "annotations must stay a map of strings");

        var good = JsonNode.Parse("""[{"op":"test","path":"/spec/size","value":3},{"op":"replace","path":"/spec/size","value":4},{"op":"add","path":"/metadata/labels/k~1v","value":"x"}]""")!;
        var reply = await Client.PatchAsync(Samples.WidgetsPath + "/j", good, "application/json-patch+json");
        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        reply.Body["spec"]!["size"]!.GetValue<long>().Should().Be(4);
        reply.Body["metadata"]!["labels"]!["k/v"]!.GetValue<string>().Should().Be("x");

        var failedTest = await Client.PatchAsync(Samples.WidgetsPath + "/j", JsonNode.Parse("""[{"op":"test","path":"/spec/size","value":3},{"op":"replace","path":"/spec/size","value":5}]""")!, "application/json-patch+json");
        failedTest.Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Client.GetAsync(Samples.WidgetsPath + "/j")).Body["spec"]!["size"]!.GetValue<long>().Should().Be(4);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_finalizers_as_a_set_and_owner_references_by_uid()
    {
        var u1 = (string)(await Client.PostAsync(ConfigMaps, Samples.ConfigMap("o1"))).Body["metadata"]!["uid"]!;
        var u2 = (string)(await Client.PostAsync(ConfigMaps, Samples.ConfigMap("o2"))).Body["metadata"]!["uid"]!;
        await Client.PostAsync(ConfigMaps, JsonNode.Parse($$$"""
            {"metadata":{"name":"s","finalizers":["x.io/a"],"ownerReferences":[
              {"apiVersion":"v1","kind":"ConfigMap","name":"o1","uid":"{{{u1}}}"},{"apiVersion":"v1","kind":"ConfigMap","name":"o2","uid":"{{{u2}}}"}]},
             "data":{"a":"1","b":"2"}}
            """)!);

        var patch = JsonNode.Parse($$$"""
            {"metadata":{"finalizers":["x.io/b"],
                         "ownerReferences":[{"uid":"{{{u2}}}","name":"renamed"},{"$patch":"delete","uid":"{{{u1}}}"}]},
             "data":{"b":null,"c":"3"}}
            """)!;
        var reply = await Client.PatchAsync(ConfigMaps + "/s", patch, "application/strategic-merge-patch+json");

        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        reply.Body["data"]!.ToJsonString().Should().Be("""{"a":"1","c":"3"}""");
        reply.Body["metadata"]!["finalizers"]!.AsArray().Select(f => (string)f!).Should().Equal("x.io/a", "x.io/b");
        var owners = reply.Body["metadata"]!["ownerReferences"]!.AsArray();
        owners.Should().ContainSingle();
        owners[0]!["uid"]!.GetValue<string>().Should().Be(u2);
        owners[0]!["name"]!.GetValue<string>().Should().Be("renamed");
        owners[0]!["kind"]!.GetValue<string>().Should().Be("ConfigMap", "the matched entry is merged, not replaced");
    }

    [Fact]
    public async Task Strategic_merge_patch_honours_kubectl_directives()
    {
        await Client.PostAsync(ConfigMaps, JsonNode.Parse("""{"metadata":{"name":"d","finalizers":["x.io/a","x.io/b","x.io/c"]},"data":{"a":"1"}}""")!);

        var patch = JsonNode.Parse("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["x.io/a"],"$setElementOrder/finalizers":["x.io/c","x.io/b"],"finalizers":["x.io/c"]},
             "data":{"$patch":"replace","z":"26"}}
            """)!;
        var reply = await Client.PatchAsync(ConfigMaps + "/d", patch, "application/strategic-merge-patch+json");

        reply.Body["metadata"]!["finalizers"]!.AsArray().Select(f => (string)f!).Should().Equal("x.io/c", "x.io/b");
        reply.Body["data"]!.ToJsonString().Should().Be("""{"z":"26"}""");
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_and_env_by_name()
    {
        await Client.PostAsync("/apis/batch/v1/namespaces/default/jobs", JsonNode.Parse("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"job"},"spec":{"template":{"spec":{"containers":[
              {"name":"main","image":"a:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"s:1"}]}}}}
            """)!);

        var patch = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"a:2","env":[{"name":"B","value":"3"}]}]}}}}""")!;
        var reply = await Client.PatchAsync("/apis/batch/v1/namespaces/default/jobs/job", patch, "application/strategic-merge-patch+json");

        var containers = reply.Body["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        containers.Should().HaveCount(2);
        containers[0]!["image"]!.GetValue<string>().Should().Be("a:2");
        containers[0]!["env"]!.ToJsonString().Should().Be("""[{"name":"A","value":"1"},{"name":"B","value":"3"}]""");
        reply.Body["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_415_with_the_upstream_message()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("sm"));

        var reply = await Client.PatchAsync(Samples.WidgetsPath + "/sm", JsonNode.Parse("""{"spec":{"size":2}}""")!, "application/strategic-merge-patch+json");

        reply.Status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        reply.Body["reason"]!.GetValue<string>().Should().Be("UnsupportedMediaType");
        reply.Body["message"]!.GetValue<string>().Should().Be(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    }

    [Fact]
    public async Task A_patch_carrying_a_stale_resourceVersion_is_a_Conflict()
    {
        var created = await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("rv"));
        await Client.PatchAsync(Samples.WidgetsPath + "/rv", JsonNode.Parse("""{"spec":{"size":5}}""")!);

        var reply = await Client.PatchAsync(Samples.WidgetsPath + "/rv", new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = created.Rv },
            ["spec"] = new JsonObject { ["size"] = 6 },
        });

        reply.Status.Should().Be(HttpStatusCode.Conflict);
    }
}
