using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class DeletionTests : ClusterTestBase
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_until_the_last_one_is_removed()
    {
        var widget = Samples.Widget("f");
        widget["metadata"]!["finalizers"] = new JsonArray("example.com/a", "example.com/b");
        await Client.PostAsync(Samples.WidgetsPath, widget);

        var deleting = await Client.DeleteAsync(Samples.WidgetsPath + "/f");
        deleting.Status.Should().Be(HttpStatusCode.OK);
        deleting.Body["metadata"]!["deletionTimestamp"].Should().NotBeNull();
        deleting.Body["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().Should().Be(0);

        var addFinalizer = await Client.PatchAsync(Samples.WidgetsPath + "/f", JsonNode.Parse("""{"metadata":{"finalizers":["example.com/a","example.com/b","example.com/c"]}}""")!);
        addFinalizer.Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        addFinalizer.Body["details"]!["causes"]![0]!["field"]!.GetValue<string>().Should().Be("metadata.finalizers");

        await Client.PatchAsync(Samples.WidgetsPath + "/f", JsonNode.Parse("""{"metadata":{"finalizers":["example.com/b"]}}""")!);
        (await Client.GetAsync(Samples.WidgetsPath + "/f")).Status.Should().Be(HttpStatusCode.OK);

        await Client.PatchAsync(Samples.WidgetsPath + "/f", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        (await Client.GetAsync(Samples.WidgetsPath + "/f")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Immediate_delete_of_a_built_in_kind_answers_a_Success_Status()
    {
        const string path = "/api/v1/namespaces/default/configmaps";
        var created = (await Client.PostAsync(path, Samples.ConfigMap("gone"))).Body;
        var reply = await Client.DeleteAsync(path + "/gone", JsonNode.Parse("""{"propagationPolicy":"Background"}""")!);

        reply.Body["status"]!.GetValue<string>().Should().Be("Success");
        reply.Body["details"]!["uid"]!.GetValue<string>().Should().Be((string)created["metadata"]!["uid"]!);
        (await Client.DeleteAsync(path + "/gone")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Immediate_delete_of_a_custom_resource_answers_the_deleted_object()
    {
        var created = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("gone"))).Body;
        var reply = await Client.DeleteAsync(Samples.WidgetsPath + "/gone");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body["kind"]!.GetValue<string>().Should().Be("Widget");
        reply.Body["metadata"]!["uid"]!.GetValue<string>().Should().Be((string)created["metadata"]!["uid"]!);
        (await Client.DeleteAsync(Samples.WidgetsPath + "/gone")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Preconditions_that_do_not_match_are_a_Conflict()
    {
        var created = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("p"))).Body;
        var wrongUid = await Client.DeleteAsync(Samples.WidgetsPath + "/p", JsonNode.Parse("""{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}""")!);
        var wrongRv = await Client.DeleteAsync(Samples.WidgetsPath + "/p", JsonNode.Parse("""{"preconditions":{"resourceVersion":"1"}}""")!);

        wrongUid.Status.Should().Be(HttpStatusCode.Conflict);
        wrongRv.Status.Should().Be(HttpStatusCode.Conflict);
        ((string)wrongUid.Body["message"]!).Should().Contain("Precondition failed: UID in precondition");
        var right = await Client.DeleteAsync(Samples.WidgetsPath + "/p", new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = created["metadata"]!["uid"]!.DeepClone() } });
        right.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Background_deletion_collects_dependents_after_the_owner_goes()
    {
        var owner = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("owner"))).Body;
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("child", OwnedBy(owner, block: false)));
        var grandchildOwner = (await Client.GetAsync(ConfigMaps + "/child")).Body;
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("grandchild", OwnedBy(grandchildOwner, block: false)));

        await Client.DeleteAsync(Samples.WidgetsPath + "/owner", JsonNode.Parse("""{"propagationPolicy":"Background"}""")!);

        (await Client.GetAsync(ConfigMaps + "/child")).Status.Should().Be(HttpStatusCode.NotFound);
        (await Client.GetAsync(ConfigMaps + "/grandchild")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_dependent_whose_owner_never_existed_is_collected_but_its_neighbours_are_not()
    {
        var owner = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("real"))).Body;
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("kept", OwnedBy(owner, block: false)));
        var ghost = owner.DeepClone();
        ghost["metadata"]!["uid"] = "00000000-0000-0000-0000-00000000dead";

        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("dangling", OwnedBy(ghost, block: false)));

        (await Client.GetAsync(ConfigMaps + "/dangling")).Status.Should().Be(HttpStatusCode.NotFound);
        (await Client.GetAsync(ConfigMaps + "/kept")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Removing_the_last_owner_reference_of_a_dependent_stops_its_collection()
    {
        var owner = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("former"))).Body;
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("released", OwnedBy(owner, block: false)));
        await Client.PatchAsync(ConfigMaps + "/released", JsonNode.Parse("""{"metadata":{"ownerReferences":null}}""")!);

        await Client.DeleteAsync(Samples.WidgetsPath + "/former");

        (await Client.GetAsync(ConfigMaps + "/released")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_dependent_with_another_live_owner_survives()
    {
        var a = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("a"))).Body;
        var b = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("b"))).Body;
        var meta = OwnedBy(a, block: false);
        meta["ownerReferences"]!.AsArray().Add(OwnedBy(b, block: false)["ownerReferences"]![0]!.DeepClone());
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("shared", meta));

        await Client.DeleteAsync(Samples.WidgetsPath + "/a");

        var shared = await Client.GetAsync(ConfigMaps + "/shared");
        shared.Status.Should().Be(HttpStatusCode.OK);
        shared.Body["metadata"]!["ownerReferences"]!.AsArray().Should().ContainSingle().Which!["name"]!.GetValue<string>().Should().Be("b");
    }

    [Fact]
    public async Task Foreground_deletion_waits_for_blocking_dependents()
    {
        var owner = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("fg"))).Body;
        var childMeta = OwnedBy(owner, block: true);
        childMeta["finalizers"] = new JsonArray("example.com/hold");
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("blocker", childMeta));

        var deleting = await Client.DeleteAsync(Samples.WidgetsPath + "/fg", JsonNode.Parse("""{"propagationPolicy":"Foreground"}""")!);
        deleting.Body["metadata"]!["finalizers"]!.AsArray().Select(f => (string)f!).Should().Contain("foregroundDeletion");

        var child = await Client.GetAsync(ConfigMaps + "/blocker");
        child.Body["metadata"]!["deletionTimestamp"].Should().NotBeNull("the dependent is being deleted");
        (await Client.GetAsync(Samples.WidgetsPath + "/fg")).Status.Should().Be(HttpStatusCode.OK, "the owner waits for its blocking dependent");

        await Client.PatchAsync(ConfigMaps + "/blocker", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);

        (await Client.GetAsync(ConfigMaps + "/blocker")).Status.Should().Be(HttpStatusCode.NotFound);
        (await Client.GetAsync(Samples.WidgetsPath + "/fg")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_drops_their_owner_reference()
    {
        var owner = (await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("o"))).Body;
        await Client.PostAsync(ConfigMaps, Samples.ConfigMap("orphan", OwnedBy(owner, block: false)));

        await Client.DeleteAsync(Samples.WidgetsPath + "/o", JsonNode.Parse("""{"propagationPolicy":"Orphan"}""")!);

        var orphan = await Client.GetAsync(ConfigMaps + "/orphan");
        orphan.Status.Should().Be(HttpStatusCode.OK);
        orphan.Body["metadata"]!["ownerReferences"].Should().BeNull();
    }

    [Fact]
    public async Task Deleting_a_namespace_empties_it_then_removes_it()
    {
        await Client.PostAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"doomed"}}""")!);
        var held = Samples.ConfigMap("held");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await Client.PostAsync("/api/v1/namespaces/doomed/configmaps", held);
        await Client.PostAsync("/api/v1/namespaces/doomed/configmaps", Samples.ConfigMap("free"));

        await Client.DeleteAsync("/api/v1/namespaces/doomed");

        var ns = await Client.GetAsync("/api/v1/namespaces/doomed");
        ns.Body["status"]!["phase"]!.GetValue<string>().Should().Be("Terminating");
        (await Client.GetAsync("/api/v1/namespaces/doomed/configmaps/free")).Status.Should().Be(HttpStatusCode.NotFound);
        var refused = await Client.PostAsync("/api/v1/namespaces/doomed/configmaps", Samples.ConfigMap("late"));
        refused.Status.Should().Be(HttpStatusCode.Forbidden);

        await Client.PatchAsync("/api/v1/namespaces/doomed/configmaps/held", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        (await Client.GetAsync("/api/v1/namespaces/doomed")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deletecollection_deletes_what_the_selector_matches()
    {
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("x1", labels: new JsonObject { ["tier"] = "a" }));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("x2", labels: new JsonObject { ["tier"] = "a" }));
        await Client.PostAsync(Samples.WidgetsPath, Samples.Widget("x3", labels: new JsonObject { ["tier"] = "b" }));

        var reply = await Client.DeleteAsync(Samples.WidgetsPath + "?labelSelector=tier%3Da");

        reply.Body["items"]!.AsArray().Should().HaveCount(2);
        var left = (await Client.GetAsync(Samples.WidgetsPath)).Body["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!);
        left.Should().Equal("x3");
    }

    private static JsonObject OwnedBy(JsonNode owner, bool block) => new()
    {
        ["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = owner["apiVersion"]!.DeepClone(),
            ["kind"] = owner["kind"]!.DeepClone(),
            ["name"] = owner["metadata"]!["name"]!.DeepClone(),
            ["uid"] = owner["metadata"]!["uid"]!.DeepClone(),
            ["blockOwnerDeletion"] = block,
        }),
    };
}
