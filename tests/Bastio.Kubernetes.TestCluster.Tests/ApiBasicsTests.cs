using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class ApiBasicsTests : ClusterTestBase
{
    [Fact]
    public async Task Requests_without_the_token_get_401_Status()
    {
        using var wrong = new ClusterClient(Server, token: "not-the-token");
        var reply = await wrong.GetAsync("/api/v1/namespaces");

        reply.Status.Should().Be(HttpStatusCode.Unauthorized);
        reply.Body["kind"]!.GetValue<string>().Should().Be("Status");
        reply.Body["reason"]!.GetValue<string>().Should().Be("Unauthorized");
        reply.Body["code"]!.GetValue<int>().Should().Be(401);
    }

    [Fact]
    public async Task Serves_TLS_signed_by_its_CA_and_version_1_32()
    {
        // ClusterClient trusts only the cluster's CA, so a successful call proves the chain.
        var reply = await Client.GetAsync("/version");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body["minor"]!.GetValue<string>().Should().Be("32");
        Server.Url.Host.Should().Be("127.0.0.1");
        Server.KubeconfigYaml.Should().Contain("certificate-authority-data:").And.Contain(Server.Token).And.Contain("current-context: bastio-test");
    }

    [Fact]
    public async Task Discovery_lists_builtins_and_CRD_kinds_until_the_CRD_is_deleted()
    {
        (await Client.GetAsync("/api")).Body["versions"]![0]!.GetValue<string>().Should().Be("v1");
        var groups = (await Client.GetAsync("/apis")).Body["groups"]!.AsArray().Select(g => (string)g!["name"]!).ToList();
        groups.Should().Contain(["batch", "coordination.k8s.io", "apiextensions.k8s.io", "example.com"]);

        var core = (await Client.GetAsync("/api/v1")).Body["resources"]!.AsArray().Select(r => (string)r!["name"]!);
        core.Should().Contain(["namespaces", "secrets", "configmaps", "serviceaccounts", "events", "namespaces/status"]);

        var widgets = (await Client.GetAsync("/apis/example.com/v1")).Body["resources"]!.AsArray();
        var widget = widgets.Single(r => (string)r!["name"]! == "widgets")!;
        widget["kind"]!.GetValue<string>().Should().Be("Widget");
        widget["shortNames"]![0]!.GetValue<string>().Should().Be("wd");
        widget["namespaced"]!.GetValue<bool>().Should().BeTrue();
        widgets.Select(r => (string)r!["name"]!).Should().Contain("widgets/status");

        (await Client.DeleteAsync(Samples.CrdsPath + "/widgets.example.com")).Status.Should().Be(HttpStatusCode.OK);
        (await Client.GetAsync("/apis/example.com/v1")).Status.Should().Be(HttpStatusCode.NotFound);
        (await Client.GetAsync(Samples.WidgetsPath)).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CRD_status_is_established_at_once()
    {
        var crd = (await Client.GetAsync(Samples.CrdsPath + "/widgets.example.com")).Body;
        var conditions = crd["status"]!["conditions"]!.AsArray();
        conditions.Should().Contain(c => (string)c!["type"]! == "Established" && (string)c["status"]! == "True");
        conditions.Should().Contain(c => (string)c!["type"]! == "NamesAccepted" && (string)c["status"]! == "True");
        crd["status"]!["acceptedNames"]!["kind"]!.GetValue<string>().Should().Be("Widget");
        crd["status"]!["storedVersions"]![0]!.GetValue<string>().Should().Be("v1");
    }

    [Fact]
    public async Task A_CRD_whose_name_does_not_match_its_names_is_invalid()
    {
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "wrong.example.com" },
            ["spec"] = new JsonObject
            {
                ["group"] = "example.com",
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject { ["plural"] = "gadgets", ["kind"] = "Gadget" },
                ["versions"] = new JsonArray(new JsonObject { ["name"] = "v1", ["served"] = true, ["storage"] = true }),
            },
        };

        var reply = await Client.PostAsync(Samples.CrdsPath, crd);

        reply.Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        reply.Body["details"]!["causes"]![0]!["field"]!.GetValue<string>().Should().Be("metadata.name");
    }

    [Fact]
    public async Task OpenApi_v3_has_a_patch_operation_with_fieldValidation_for_every_kind()
    {
        var root = (await Client.GetAsync("/openapi/v3")).Body["paths"]!.AsObject();
        root.Select(p => p.Key).Should().Contain(["api/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1", "apis/apiextensions.k8s.io/v1", "apis/example.com/v1"]);

        foreach (var (key, entry) in root)
        {
            var url = (string)entry!["serverRelativeURL"]!;
            var document = (await Client.GetAsync(url)).Body;
            var kinds = document["paths"]!.AsObject()
                .Select(p => p.Value!["patch"]!)
                .Where(op => op["parameters"]!.AsArray().Any(p => (string)p!["name"]! == "fieldValidation"))
                .Select(op => (string)op["x-kubernetes-group-version-kind"]!["kind"]!)
                .ToList();
            var served = (await Client.GetAsync("/" + key)).Body["resources"]!.AsArray()
                .Where(r => !((string)r!["name"]!).Contains('/', StringComparison.Ordinal))
                .Select(r => (string)r!["kind"]!);
            kinds.Should().BeEquivalentTo(served, $"every kind in {key} needs a PATCH operation");
        }

        var widgetDoc = (await Client.GetAsync((string)root["apis/example.com/v1"]!["serverRelativeURL"]!)).Body;
        var schema = widgetDoc["components"]!["schemas"]!["com.example.v1.Widget"]!;
        schema["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>().Should().Be("Widget");
        schema["properties"]!["spec"]!["required"]![0]!.GetValue<string>().Should().Be("size");
    }

    [Fact]
    public async Task OpenApi_hash_changes_with_the_schema_and_stale_hashes_redirect()
    {
        var before = (string)(await Client.GetAsync("/openapi/v3")).Body["paths"]!["apis/example.com/v1"]!["serverRelativeURL"]!;
        var patch = new JsonArray(new JsonObject
        {
            ["op"] = "replace",
            ["path"] = "/spec/versions/0/schema/openAPIV3Schema/description",
            ["value"] = "A better widget.",
        });
        (await Client.PatchAsync(Samples.CrdsPath + "/widgets.example.com", patch, "application/json-patch+json")).Status.Should().Be(HttpStatusCode.OK);

        var after = (string)(await Client.GetAsync("/openapi/v3")).Body["paths"]!["apis/example.com/v1"]!["serverRelativeURL"]!;
        after.Should().NotBe(before);
        using var request = new HttpRequestMessage(HttpMethod.Get, before);
        using var noRedirect = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }) { BaseAddress = Server.Url };
        noRedirect.DefaultRequestHeaders.Authorization = new("Bearer", Server.Token);
        using var response = await noRedirect.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.MovedPermanently);
        response.Headers.Location!.ToString().Should().Be(after);
        (await Client.GetAsync(after)).Body["components"]!["schemas"]!["com.example.v1.Widget"]!["description"]!.GetValue<string>().Should().Be("A better widget.");
    }

    [Fact]
    public async Task OpenApi_v2_is_not_served_and_unknown_paths_are_404_Status()
    {
        (await Client.GetAsync("/openapi/v2")).Status.Should().Be(HttpStatusCode.NotFound);
        var reply = await Client.GetAsync("/apis/nothing.io/v1/things");
        reply.Status.Should().Be(HttpStatusCode.NotFound);
        reply.Body["reason"]!.GetValue<string>().Should().Be("NotFound");
    }
}
