using System.Net;
using System.Text.Json;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class RequestShapeTests
{
    private const string ConfigMapJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m","namespace":"default"}}""";

    private static (KubernetesClient Client, StubHandler Handler) Echo(string json = ConfigMapJson)
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, json));
        return (StubClient.Create(handler), handler);
    }

    [Fact]
    public async Task Paths_follow_group_scope_and_subresource()
    {
        var (client, handler) = Echo();
        using (client)
        {
            await client.ConfigMaps().GetAsync("team-a", "m");
            await client.Leases().PatchAsync("kube-system", "lock", PatchType.Merge, "{}");
            await client.Namespaces().GetAsync(null, "team-a");
            await client.CronJobs().ListAsync(null);
            await client.CustomResourceDefinitions().PatchAsync(null, "widgets.example.com", PatchType.Merge, "{}", status: true);
        }

        handler.Requests.Select(r => $"{r.Method} {r.PathAndQuery}").Should().Equal(
            "GET /api/v1/namespaces/team-a/configmaps/m",
            "PATCH /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/lock",
            "GET /api/v1/namespaces/team-a",
            "GET /apis/batch/v1/cronjobs",
            "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com/status");
    }

    [Fact]
    public async Task A_server_URL_with_a_path_prefix_keeps_it()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, ConfigMapJson));
        using var client = StubClient.Create(handler, server: "https://rancher.example/k8s/clusters/c-1");

        await client.ConfigMaps().GetAsync("default", "m");

        handler.Requests.Single().Uri.AbsolutePath.Should().Be("/k8s/clusters/c-1/api/v1/namespaces/default/configmaps/m");
    }

    [Fact]
    public async Task Scope_mistakes_and_path_tricks_are_refused_before_sending()
    {
        var (client, handler) = Echo();
        using (client)
        {
            await client.Invoking(c => c.ConfigMaps().GetAsync(null, "m")).Should().ThrowAsync<ArgumentException>().WithMessage("*namespaced*");
            await client.Invoking(c => c.Namespaces().GetAsync("default", "x")).Should().ThrowAsync<ArgumentException>().WithMessage("*cluster-scoped*");
            await client.Invoking(c => c.ConfigMaps().GetAsync("default", "../secrets/x")).Should().ThrowAsync<ArgumentException>();
            await client.Invoking(c => c.ConfigMaps().GetAsync("default", "")).Should().ThrowAsync<ArgumentException>();
        }

        handler.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task List_options_become_escaped_query_parameters()
    {
        var (client, handler) = Echo("""{"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"a"}}]}""");
        KubernetesList<ConfigMap> list;
        using (client)
        {
            list = await client.ConfigMaps().ListAsync("default", new ListOptions
            {
                LabelSelector = "app in (a,b),tier!=db",
                FieldSelector = "metadata.name=a",
                Limit = 10,
                Continue = "tok/en=",
                ResourceVersion = "0",
            });
        }

        handler.Requests.Single().PathAndQuery.Should().Be(
            "/api/v1/namespaces/default/configmaps?labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Da&limit=10&continue=tok%2Fen%3D&resourceVersion=0");
        list.Items.Single().Kind.Should().Be("ConfigMap", "list items get the kind the server may omit");
        list.Items.Single().ApiVersion.Should().Be("v1");
    }

    [Fact]
    public async Task ListAll_follows_continue_keeping_selectors_and_the_first_resourceVersion()
    {
        var handler = new StubHandler((request, n) => StubHandler.Json(HttpStatusCode.OK, n switch
        {
            1 => """{"metadata":{"resourceVersion":"10","continue":"p2"},"items":[{"metadata":{"name":"a"}}]}""",
            2 => """{"metadata":{"resourceVersion":"10","continue":"p3"},"items":[{"metadata":{"name":"b"}}]}""",
            _ => """{"metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"c"}}]}""",
        }));
        using var client = StubClient.Create(handler);

        var all = await client.Secrets().ListAllAsync("default", new ListOptions { LabelSelector = "x=y", Limit = 1, ResourceVersion = "0" });

        all.Items.Select(i => i.Metadata.Name).Should().Equal("a", "b", "c");
        all.Metadata.ResourceVersion.Should().Be("10");
        all.Metadata.Continue.Should().BeNull();
        handler.Requests.Select(r => r.Uri.Query).Should().Equal(
            "?labelSelector=x%3Dy&limit=1&resourceVersion=0",
            "?labelSelector=x%3Dy&limit=1&continue=p2",
            "?labelSelector=x%3Dy&limit=1&continue=p3");
    }

    [Fact]
    public async Task ListAll_relists_in_full_when_a_continue_token_expires()
    {
        var handler = new StubHandler((request, n) => n switch
        {
            1 => StubHandler.Json(HttpStatusCode.OK, """{"metadata":{"resourceVersion":"10","continue":"p2"},"items":[{"metadata":{"name":"a"}}]}"""),
            2 => StubHandler.Json(HttpStatusCode.Gone, """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}"""),
            _ => StubHandler.Json(HttpStatusCode.OK, """{"metadata":{"resourceVersion":"20"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"""),
        });
        using var client = StubClient.Create(handler);

        var all = await client.Secrets().ListAllAsync("default", new ListOptions { Limit = 1 });

        all.Items.Select(i => i.Metadata.Name).Should().Equal("a", "b");
        all.Metadata.ResourceVersion.Should().Be("20");
        handler.Requests.Last().Uri.Query.Should().BeEmpty();
    }

    [Fact]
    public async Task Writes_send_JSON_with_type_meta_and_the_write_options()
    {
        var (client, handler) = Echo();
        using (client)
        {
            var map = new ConfigMap { Metadata = new ObjectMeta { Name = "m", Namespace = "default", ResourceVersion = "41" }, Data = new() { ["k"] = "v" } };
            var options = new WriteOptions { FieldManager = "bastio-operator", DryRun = true };
            await client.ConfigMaps().CreateAsync(map, options);
            await client.ConfigMaps().ReplaceAsync(map, options);
            await client.ConfigMaps().ReplaceStatusAsync(map);
        }

        var requests = handler.Requests.ToArray();
        requests.Select(r => $"{r.Method} {r.PathAndQuery}").Should().Equal(
            "POST /api/v1/namespaces/default/configmaps?fieldManager=bastio-operator&dryRun=All",
            "PUT /api/v1/namespaces/default/configmaps/m?fieldManager=bastio-operator&dryRun=All",
            "PUT /api/v1/namespaces/default/configmaps/m/status");
        requests.Should().AllSatisfy(r => r.ContentType.Should().Be("application/json"));
        using var body = JsonDocument.Parse(requests[1].Body!);
        body.RootElement.GetProperty("kind").GetString().Should().Be("ConfigMap");
        body.RootElement.GetProperty("apiVersion").GetString().Should().Be("v1");
        body.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString().Should().Be("41");
    }

    [Theory]
    [InlineData(PatchType.Merge, "application/merge-patch+json")]
    [InlineData(PatchType.Json, "application/json-patch+json")]
    [InlineData(PatchType.StrategicMerge, "application/strategic-merge-patch+json")]
    public async Task Patches_carry_their_media_type_and_body_verbatim(PatchType patchType, string mediaType)
    {
        var (client, handler) = Echo();
        using (client)
        {
            await client.ConfigMaps().PatchAsync("default", "m", patchType, """{"data":{"k":null}}""", options: new WriteOptions { FieldManager = "me" });
        }

        var request = handler.Requests.Single();
        request.ContentType.Should().Be(mediaType);
        request.Body.Should().Be("""{"data":{"k":null}}""");
        request.Uri.Query.Should().Be("?fieldManager=me");
    }

    [Fact]
    public async Task Delete_sends_preconditions_propagation_grace_and_dry_run()
    {
        var (client, handler) = Echo("""{"kind":"Status","apiVersion":"v1","status":"Success"}""");
        using (client)
        {
            await client.Secrets().DeleteAsync("default", "s", new DeleteOptions
            {
                PropagationPolicy = PropagationPolicy.Foreground,
                PreconditionUid = "u-1",
                PreconditionResourceVersion = "7",
                GracePeriodSeconds = 0,
                DryRun = true,
            });
        }

        using var body = JsonDocument.Parse(handler.Requests.Single().Body!);
        var root = body.RootElement;
        root.GetProperty("kind").GetString().Should().Be("DeleteOptions");
        root.GetProperty("propagationPolicy").GetString().Should().Be("Foreground");
        root.GetProperty("gracePeriodSeconds").GetInt64().Should().Be(0);
        root.GetProperty("preconditions").GetProperty("uid").GetString().Should().Be("u-1");
        root.GetProperty("preconditions").GetProperty("resourceVersion").GetString().Should().Be("7");
        root.GetProperty("dryRun")[0].GetString().Should().Be("All");
    }

    [Theory]
    [InlineData("""{"kind":"Status","apiVersion":"v1","status":"Success","details":{"name":"w","kind":"widgets"}}""", false)]
    [InlineData("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"m","resourceVersion":"9"}}""", false)]
    [InlineData("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"m","deletionTimestamp":"2025-01-01T10:00:00Z","finalizers":["bastio.io/cleanup"]}}""", true)]
    public async Task Delete_returns_the_object_only_while_finalizers_hold_it(string answer, bool stillThere)
    {
        var (client, _) = Echo(answer);
        using (client)
        {
            var result = await client.ConfigMaps().DeleteAsync("default", "m");

            if (stillThere)
            {
                result!.Metadata.Finalizers.Should().Equal("bastio.io/cleanup");
            }
            else
            {
                result.Should().BeNull();
            }
        }
    }

    [Fact]
    public async Task A_malformed_answer_is_a_precise_InvalidDataException()
    {
        var (client, _) = Echo("""{"metadata":{"name":42}}""");
        using (client)
        {
            await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<InvalidDataException>()
                .WithMessage("*api/v1/namespaces/default/configmaps/m*not a valid ConfigMap*");
        }
    }
}
