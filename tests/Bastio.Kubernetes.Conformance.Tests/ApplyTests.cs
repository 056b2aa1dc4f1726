using System.Net;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>Server-side apply with field ownership, as the official client sends it (<c>application/apply-patch+yaml</c>).</summary>
public sealed class ApplyTests : ConformanceTestBase
{
    private static V1Patch Apply(string name, IDictionary<string, string> data) =>
        new(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name }, Data = data }, V1Patch.PatchType.ApplyPatch);

    [Fact]
    public async Task Apply_without_fieldManager_is_422_on_PatchOptions()
    {
        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity,
            () => Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("nofm", new Dictionary<string, string> { ["a"] = "1" }), "nofm", Ns));

        status.Reason.Should().Be("Invalid");
        status.Details.Kind.Should().Be("PatchOptions");
        status.Details.Group.Should().Be("meta.k8s.io");
        status.Details.Causes.Should().ContainSingle(c => c.Field == "fieldManager" && c.Reason == "FieldValueRequired");
    }

    [Fact]
    public async Task Apply_creates_the_object_and_records_an_Apply_entry_with_its_fields()
    {
        var applied = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("ssa", new Dictionary<string, string> { ["a"] = "1" }), "ssa", Ns, fieldManager: "alice");

        applied.Data.Should().ContainKey("a");
        var entry = applied.Metadata.ManagedFields.Should().ContainSingle().Which;
        (entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType).Should().Be(("alice", "Apply", "v1", "FieldsV1"));
        entry.Time.Should().NotBeNull();
        FieldsV1(entry).Should().Be("""{"f:data":{"f:a":{}}}""");
    }

    [Fact]
    public async Task A_repeated_identical_apply_writes_nothing()
    {
        var first = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("same", new Dictionary<string, string> { ["a"] = "1" }), "same", Ns, fieldManager: "alice");
        var second = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("same", new Dictionary<string, string> { ["a"] = "1" }), "same", Ns, fieldManager: "alice");

        second.Metadata.ResourceVersion.Should().Be(first.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Applying_a_field_another_manager_set_differently_is_409_unless_forced()
    {
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("contended", new Dictionary<string, string> { ["a"] = "1" }), "contended", Ns, fieldManager: "alice");

        var status = await FailsWithAsync(HttpStatusCode.Conflict,
            () => Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("contended", new Dictionary<string, string> { ["a"] = "2" }), "contended", Ns, fieldManager: "bob"));
        status.Reason.Should().Be("Conflict");
        status.Message.Should().Be("Apply failed with 1 conflict: conflict with \"alice\": .data.a");
        status.Details.Causes.Should().ContainSingle(c => c.Reason == "FieldManagerConflict" && c.Field == ".data.a");

        var forced = await Client.CoreV1.PatchNamespacedConfigMapAsync(
            Apply("contended", new Dictionary<string, string> { ["a"] = "2" }), "contended", Ns, fieldManager: "bob", force: true);
        forced.Data["a"].Should().Be("2");
        forced.Metadata.ManagedFields.Should().ContainSingle(e => e.Manager == "bob").Which.Operation.Should().Be("Apply");
        forced.Metadata.ManagedFields.Should().NotContain(e => e.Manager == "alice", "alice owned only the field bob took");
    }

    [Fact]
    public async Task Applying_the_same_value_shares_ownership_without_conflict()
    {
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("shared", new Dictionary<string, string> { ["a"] = "1" }), "shared", Ns, fieldManager: "alice");

        var shared = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("shared", new Dictionary<string, string> { ["a"] = "1" }), "shared", Ns, fieldManager: "bob");

        shared.Metadata.ManagedFields.Select(e => e.Manager).Should().BeEquivalentTo("alice", "bob");
    }

    [Fact]
    public async Task An_update_by_another_manager_is_a_conflict_for_the_next_apply()
    {
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("updated", new Dictionary<string, string> { ["a"] = "1" }), "updated", Ns, fieldManager: "alice");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"a":"edited"}}""", V1Patch.PatchType.MergePatch), "updated", Ns, fieldManager: "editor");

        var status = await FailsWithAsync(HttpStatusCode.Conflict,
            () => Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("updated", new Dictionary<string, string> { ["a"] = "1" }), "updated", Ns, fieldManager: "alice"));

        status.Message.Should().Be("Apply failed with 1 conflict: conflict with \"editor\" using v1: .data.a");
    }

    [Fact]
    public async Task A_field_dropped_from_the_configuration_is_removed_when_nobody_else_owns_it()
    {
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("shrink", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" }), "shrink", Ns, fieldManager: "alice");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("shrink", new Dictionary<string, string> { ["c"] = "3" }), "shrink", Ns, fieldManager: "bob");

        var shrunk = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("shrink", new Dictionary<string, string> { ["a"] = "1" }), "shrink", Ns, fieldManager: "alice");

        shrunk.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" }, "b had no other owner, c is still bob's");
        FieldsV1(shrunk.Metadata.ManagedFields.Single(e => e.Manager == "alice")).Should().Be("""{"f:data":{"f:a":{}}}""");
    }

    [Fact]
    public async Task Force_on_a_non_apply_patch_is_422()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "noforce" } }, Ns);

        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity,
            () => Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{}", V1Patch.PatchType.MergePatch), "noforce", Ns, force: true));

        status.Details.Causes.Should().ContainSingle(c => c.Field == "force");
    }

    [Fact]
    public async Task Apply_on_a_custom_resource_tracks_keyed_and_set_lists_and_the_status_subresource_separately()
    {
        var key = ApiKey.Named("applied");
        key.Spec.Permissions = ["chat", "embeddings"];
        var applied = await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(key, V1Patch.PatchType.ApplyPatch),
            ApiKey.Group, ApiKey.Version, Ns, ApiKey.Plural, "applied", fieldManager: "operator");
        var entry = KubernetesJson.Deserialize<ApiKey>(KubernetesJson.Serialize(applied)).Metadata.ManagedFields.Should().ContainSingle().Which;
        FieldsV1(entry).Should().Be("""{"f:spec":{"f:permissions":{"v:\"chat\"":{},"v:\"embeddings\"":{}},"f:proxyRef":{"f:name":{}}}}""");

        var status = new V1Patch("""{"apiVersion":"bastio.io/v1alpha1","kind":"ApiKey","metadata":{"name":"applied"},"status":{"phase":"Active"}}""", V1Patch.PatchType.ApplyPatch);
        var withStatus = KubernetesJson.Deserialize<ApiKey>(KubernetesJson.Serialize(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            status, ApiKey.Group, ApiKey.Version, Ns, ApiKey.Plural, "applied", fieldManager: "operator")));

        withStatus.Status!.Phase.Should().Be("Active");
        withStatus.Metadata.ManagedFields.Should().HaveCount(2);
        withStatus.Metadata.ManagedFields.Should().ContainSingle(e => e.Subresource == "status").Which.Manager.Should().Be("operator");
        withStatus.Spec.Permissions.Should().Equal("chat", "embeddings");
    }
}
