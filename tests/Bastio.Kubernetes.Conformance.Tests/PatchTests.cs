namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>JSON patch, merge patch and strategic merge patch through the official client's <see cref="V1Patch"/>.</summary>
public sealed class PatchTests : ConformanceTestBase
{
    private async Task<V1ConfigMap> CreateAsync(string name) =>
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Finalizers = ["example.com/a"] },
            Data = new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" },
        }, Ns);

    [Fact]
    public async Task A_JSON_patch_applies_its_operations_and_a_failed_test_op_changes_nothing()
    {
        await CreateAsync("json");
        var patch = new V1Patch("""[{"op":"replace","path":"/data/keep","value":"9"},{"op":"remove","path":"/data/drop"}]""", V1Patch.PatchType.JsonPatch);

        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "json", Ns);

        patched.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["keep"] = "9" });
        var failing = new V1Patch("""[{"op":"test","path":"/data/keep","value":"1"},{"op":"add","path":"/data/x","value":"y"}]""", V1Patch.PatchType.JsonPatch);
        await FailsWithAsync(System.Net.HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.PatchNamespacedConfigMapAsync(failing, "json", Ns));
        (await Client.CoreV1.ReadNamespacedConfigMapAsync("json", Ns)).Data.Should().NotContainKey("x");
    }

    [Fact]
    public async Task A_merge_patch_merges_maps_deletes_nulls_and_replaces_lists()
    {
        await CreateAsync("merge");
        var patch = new V1Patch("""{"metadata":{"finalizers":["example.com/b"]},"data":{"drop":null,"new":"3"}}""", V1Patch.PatchType.MergePatch);

        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "merge", Ns);

        patched.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["keep"] = "1", ["new"] = "3" });
        patched.Metadata.Finalizers.Should().Equal("example.com/b");
    }

    [Fact]
    public async Task A_strategic_merge_patch_merges_set_lists_on_built_in_kinds()
    {
        await CreateAsync("strategic");
        var patch = new V1Patch("""{"metadata":{"finalizers":["example.com/b"]},"data":{"new":"3"}}""", V1Patch.PatchType.StrategicMergePatch);

        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "strategic", Ns);

        patched.Metadata.Finalizers.Should().BeEquivalentTo("example.com/a", "example.com/b");
        patched.Data.Should().ContainKeys("keep", "drop", "new");
    }

    [Fact]
    public async Task A_strategic_merge_patch_on_a_custom_resource_is_415()
    {
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(ApiKey.Named("smp"), ApiKey.Group, ApiKey.Version, Ns, ApiKey.Plural);
        var patch = new V1Patch("""{"spec":{"displayName":"x"}}""", V1Patch.PatchType.StrategicMergePatch);

        await FailsWithAsync(System.Net.HttpStatusCode.UnsupportedMediaType,
            () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiKey.Group, ApiKey.Version, Ns, ApiKey.Plural, "smp"));
    }
}
