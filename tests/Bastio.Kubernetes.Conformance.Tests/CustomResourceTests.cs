using System.Net;
using System.Text.Json;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>The product's custom resources through <c>CustomObjects</c> and <see cref="GenericClient"/>.</summary>
public sealed class CustomResourceTests : ConformanceTestBase
{
    private GenericClient ApiKeys() => new(Client, ApiKey.Group, ApiKey.Version, ApiKey.Plural, disposeClient: false);

    [Fact]
    public async Task An_ApiKey_with_a_fractional_date_time_is_created_read_and_listed()
    {
        using var apiKeys = ApiKeys();
        var key = ApiKey.Named("team-a");
        key.Spec.ExpiresAt = new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560); // the client writes microseconds

        var created = await apiKeys.CreateNamespacedAsync(key, Ns);

        created.Spec.ExpiresAt.Should().Be(key.Spec.ExpiresAt);
        (await apiKeys.ReadNamespacedAsync<ApiKey>(Ns, "team-a")).Metadata.Uid.Should().Be(created.Metadata.Uid);
        (await apiKeys.ListNamespacedAsync<ApiKeyList>(Ns)).Items.Should().ContainSingle();
        created.Metadata.Generation.Should().Be(1);
    }

    [Fact]
    public async Task A_schema_violation_is_422_naming_the_field()
    {
        var bad = new { apiVersion = "bastio.io/v1alpha1", kind = "ApiKey", metadata = new { name = "bad" }, spec = new { proxyRef = new { name = "p" }, expiresAt = "next tuesday" } };

        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity,
            () => Client.CustomObjects.CreateNamespacedCustomObjectAsync(bad, ApiKey.Group, ApiKey.Version, Ns, ApiKey.Plural));

        status.Details.Causes.Should().ContainSingle(c => c.Field == "spec.expiresAt");
    }

    [Fact]
    public async Task The_status_subresource_changes_only_status_and_the_main_resource_ignores_status()
    {
        using var apiKeys = ApiKeys();
        var created = await apiKeys.CreateNamespacedAsync(ApiKey.Named("status"), Ns);

        var statusPatch = new V1Patch("""{"status":{"phase":"Active","createdAt":"2026-01-02T03:04:05.123456Z"},"spec":{"displayName":"ignored"}}""", V1Patch.PatchType.MergePatch);
        var afterStatus = Deserialize(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, ApiKey.Group, ApiKey.Version, Ns, ApiKey.Plural, "status"));

        afterStatus.Status!.Phase.Should().Be("Active");
        afterStatus.Spec.DisplayName.Should().BeNull("a status write changes only the status");
        afterStatus.Metadata.Generation.Should().Be(created.Metadata.Generation);

        var mainPatch = new V1Patch("""{"status":{"phase":"Hacked"},"spec":{"displayName":"shown"}}""", V1Patch.PatchType.MergePatch);
        var afterMain = await apiKeys.PatchNamespacedAsync<ApiKey>(mainPatch, Ns, "status");
        afterMain.Status!.Phase.Should().Be("Active");
        afterMain.Spec.DisplayName.Should().Be("shown");
        afterMain.Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public async Task An_ApiKey_is_deleted_through_the_generic_client()
    {
        using var apiKeys = ApiKeys();
        await apiKeys.CreateNamespacedAsync(ApiKey.Named("gone"), Ns);

        await apiKeys.DeleteNamespacedAsync<ApiKey>(Ns, "gone");

        await FailsWithAsync(HttpStatusCode.NotFound, () => apiKeys.ReadNamespacedAsync<ApiKey>(Ns, "gone"));
    }

    private static ApiKey Deserialize(object response) => ((JsonElement)response).Deserialize<ApiKey>()!;
}
