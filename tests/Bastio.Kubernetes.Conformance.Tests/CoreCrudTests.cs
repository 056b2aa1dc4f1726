using System.Net;
using System.Text;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>Create, read, replace, list and delete of the core kinds the product uses, through the official client.</summary>
public sealed class CoreCrudTests : ConformanceTestBase
{
    [Fact]
    public async Task A_Secret_round_trips_and_stringData_becomes_data()
    {
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "creds", Labels = new Dictionary<string, string> { ["app"] = "bastio" } },
            StringData = new Dictionary<string, string> { ["token"] = "s3cret" },
        }, Ns, fieldManager: "conformance");

        created.Type.Should().Be("Opaque");
        Encoding.UTF8.GetString(created.Data["token"]).Should().Be("s3cret");
        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        created.Metadata.CreationTimestamp.Should().NotBeNull();

        created.Data["other"] = "more"u8.ToArray();
        var replaced = await Client.CoreV1.ReplaceNamespacedSecretAsync(created, "creds", Ns);
        long.Parse(replaced.Metadata.ResourceVersion).Should().BeGreaterThan(long.Parse(created.Metadata.ResourceVersion));

        var read = await Client.CoreV1.ReadNamespacedSecretAsync("creds", Ns);
        read.Data.Keys.Should().BeEquivalentTo("token", "other");

        var status = await Client.CoreV1.DeleteNamespacedSecretAsync("creds", Ns);
        status.Status.Should().Be("Success");
        await FailsWithAsync(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedSecretAsync("creds", Ns));
    }

    [Fact]
    public async Task A_stale_replace_is_a_409_Conflict()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "cm" },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        }, Ns);
        created.Data["a"] = "2";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", Ns);

        created.Data["a"] = "3";
        var status = await FailsWithAsync(HttpStatusCode.Conflict, () => Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", Ns));

        status.Reason.Should().Be("Conflict");
        (await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", Ns)).Data["a"].Should().Be("2");
    }

    [Fact]
    public async Task A_duplicate_create_is_409_AlreadyExists_and_a_bad_name_is_422()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dup" } }, Ns);

        var exists = await FailsWithAsync(HttpStatusCode.Conflict,
            () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dup" } }, Ns));
        var invalid = await FailsWithAsync(HttpStatusCode.UnprocessableEntity,
            () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "Not_Valid" } }, Ns));

        exists.Reason.Should().Be("AlreadyExists");
        invalid.Details.Causes.Should().ContainSingle(c => c.Field == "metadata.name");
    }

    [Fact]
    public async Task A_namespace_is_created_listed_and_terminates_with_its_contents()
    {
        var ns = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        ns.Status.Phase.Should().Be("Active");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "inside" } }, "team-a");

        (await Client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name).Should().Contain(["default", "team-a"]);
        await Client.CoreV1.DeleteNamespaceAsync("team-a");

        await FailsWithAsync(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespaceAsync("team-a"));
        (await Client.CoreV1.ListConfigMapForAllNamespacesAsync()).Items.Should().NotContain(c => c.Metadata.Name == "inside");
    }

    [Fact]
    public async Task Writes_record_Update_managedFields_for_their_field_manager()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "owned" },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        }, Ns, fieldManager: "creator");

        var entry = created.Metadata.ManagedFields.Should().ContainSingle().Which;
        (entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType).Should().Be(("creator", "Update", "v1", "FieldsV1"));
        entry.Time.Should().NotBeNull();
        FieldsV1(entry).Should().Be("""{"f:data":{".":{},"f:a":{}}}""");

        created.Data["b"] = "2";
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "owned", Ns, fieldManager: "updater");

        updated.Metadata.ManagedFields.Select(e => e.Manager).Should().Equal("creator", "updater");
        FieldsV1(updated.Metadata.ManagedFields[1]).Should().Be("""{"f:data":{"f:b":{}}}""");
    }

    [Fact]
    public async Task A_write_without_fieldManager_is_recorded_under_the_user_agent()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "agent" },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        }, Ns);

        var manager = created.Metadata.ManagedFields.Should().ContainSingle().Which.Manager;
        manager.Should().NotBeNullOrEmpty().And.NotContain("/", "upstream keeps the user agent's product name only");
    }
}
