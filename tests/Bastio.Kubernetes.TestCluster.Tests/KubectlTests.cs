using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

/// <summary>The real kubectl 1.32 against the test cluster.</summary>
public sealed class KubectlTests : ClusterTestBase, IDisposable
{
    private const string WidgetYaml = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w1
          labels: {app: demo}
        spec:
          size: 3
        """;

    private Kubectl? _kubectl;

    private async Task<Kubectl> KubectlAsync() => _kubectl ??= await Kubectl.ForAsync(Server);

    public void Dispose() => _kubectl?.Dispose();

    private async Task<KubectlResult> RunOkAsync(params string[] args)
    {
        var result = await (await KubectlAsync()).RunAsync(args);
        result.ExitCode.Should().Be(0, result.ToString());
        return result;
    }

    private async Task ApplyWidgetAsync()
    {
        var file = await (await KubectlAsync()).WriteFileAsync("w1.yaml", WidgetYaml);
        await RunOkAsync("apply", "-f", file);
    }

    [Fact]
    public async Task Api_resources_lists_a_CRD_kind_with_its_short_name()
    {
        var result = await RunOkAsync("api-resources");

        result.Stdout.Should().MatchRegex(@"widgets\s+wd\s+example.com/v1\s+true\s+Widget");
        result.Stdout.Should().MatchRegex(@"configmaps\s+cm\s+v1\s+true\s+ConfigMap");
    }

    [Fact]
    public async Task Apply_creates_then_patches_then_reports_unchanged()
    {
        var kubectl = await KubectlAsync();
        var file = await kubectl.WriteFileAsync("w1.yaml", WidgetYaml);

        (await RunOkAsync("apply", "-f", file)).Stdout.Should().Contain("widget.example.com/w1 created");
        await kubectl.WriteFileAsync("w1.yaml", WidgetYaml.Replace("size: 3", "size: 4", StringComparison.Ordinal));
        (await RunOkAsync("apply", "-f", file)).Stdout.Should().Contain("widget.example.com/w1 configured");
        (await RunOkAsync("apply", "-f", file)).Stdout.Should().Contain("widget.example.com/w1 unchanged");

        var stored = (await Client.GetAsync(Samples.WidgetsPath + "/w1")).Body;
        stored["spec"]!["size"]!.GetValue<long>().Should().Be(4);
        stored["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
        ((string)stored["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!).Should().Contain("\"size\":4");
    }

    [Fact]
    public async Task Get_prints_the_printer_columns()
    {
        await ApplyWidgetAsync();
        await Client.PatchAsync(Samples.WidgetsPath + "/w1/status", JsonNode.Parse("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""")!);

        var result = await RunOkAsync("get", "wd");

        result.Stdout.Should().MatchRegex(@"NAME\s+SIZE\s+READY\s+AGE");
        result.Stdout.Should().MatchRegex(@"w1\s+3\s+True\s+\d+s");
        (await RunOkAsync("get", "wd", "-o", "wide")).Stdout.Should().MatchRegex(@"NAME\s+SIZE\s+READY\s+FIRST\s+AGE");
        (await RunOkAsync("get", "wd", "-A", "--show-labels")).Stdout.Should().MatchRegex(@"default\s+w1.*app=demo");
    }

    [Fact]
    public async Task Get_watch_prints_events_as_they_happen()
    {
        await ApplyWidgetAsync();
        await using var watch = (await KubectlAsync()).StartStreaming("get", "wd", "-w", "--output-watch-events");

        await watch.WaitForLineAsync("ADDED");
        await Client.PatchAsync(Samples.WidgetsPath + "/w1", JsonNode.Parse("""{"spec":{"size":8}}""")!);
        (await watch.WaitForLineAsync("MODIFIED")).Should().MatchRegex(@"MODIFIED\s+w1\s+8");
        await Client.DeleteAsync(Samples.WidgetsPath + "/w1");
        await watch.WaitForLineAsync("DELETED");
    }

    [Fact]
    public async Task Patch_status_subresource_then_wait_for_the_condition()
    {
        await ApplyWidgetAsync();
        var kubectl = await KubectlAsync();
        await using var wait = kubectl.StartStreaming("wait", "--for=condition=Ready", "wd/w1", "--timeout=60s");

        (await RunOkAsync("patch", "wd", "w1", "--subresource=status", "--type=merge", "-p", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"""))
            .Stdout.Should().Contain("widget.example.com/w1 patched");

        var result = await wait.WaitForExitAsync();
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("widget.example.com/w1 condition met");
        (await Client.GetAsync(Samples.WidgetsPath + "/w1")).Body["spec"]!["size"]!.GetValue<long>().Should().Be(3);
    }

    [Fact]
    public async Task Annotate_and_label_merge_into_metadata()
    {
        await ApplyWidgetAsync();

        (await RunOkAsync("annotate", "wd", "w1", "team=core")).Stdout.Should().Contain("annotated");
        await RunOkAsync("label", "wd", "w1", "tier=a", "app-");

        var meta = (await Client.GetAsync(Samples.WidgetsPath + "/w1")).Body["metadata"]!;
        meta["annotations"]!["team"]!.GetValue<string>().Should().Be("core");
        meta["labels"]!.ToJsonString().Should().Be("""{"tier":"a"}""");
    }

    [Fact]
    public async Task Delete_waits_until_a_finalizer_is_removed()
    {
        var widget = Samples.Widget("held");
        widget["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await Client.PostAsync(Samples.WidgetsPath, widget);

        await using var delete = (await KubectlAsync()).StartStreaming("delete", "wd", "held", "--wait=true", "--timeout=60s");
        await delete.WaitForLineAsync("deleted");
        (await Client.GetAsync(Samples.WidgetsPath + "/held")).Body["metadata"]!["deletionTimestamp"].Should().NotBeNull();

        await Client.PatchAsync(Samples.WidgetsPath + "/held", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);

        var result = await delete.WaitForExitAsync();
        result.ExitCode.Should().Be(0, result.ToString());
        (await Client.GetAsync(Samples.WidgetsPath + "/held")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Replace_with_a_stale_resourceVersion_is_refused_with_the_Conflict_message()
    {
        await ApplyWidgetAsync();
        var stale = await RunOkAsync("get", "wd", "w1", "-o", "yaml");
        var kubectl = await KubectlAsync();
        var file = await kubectl.WriteFileAsync("stale.yaml", stale.Stdout.Replace("size: 3", "size: 5", StringComparison.Ordinal));
        await RunOkAsync("annotate", "wd", "w1", "bump=1");

        var result = await kubectl.RunAsync("replace", "-f", file);

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("Error from server (Conflict)")
            .And.Contain("Operation cannot be fulfilled on widgets.example.com \"w1\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Fact]
    public async Task Create_secret_configmap_and_namespace_send_protobuf_and_are_stored()
    {
        (await RunOkAsync("create", "secret", "generic", "s1", "--from-literal=key=value")).Stdout.Should().Contain("secret/s1 created");
        await RunOkAsync("create", "configmap", "c1", "--from-literal=a=b");
        await RunOkAsync("create", "namespace", "made-by-kubectl");

        var secret = (await Client.GetAsync("/api/v1/namespaces/default/secrets/s1")).Body;
        secret["data"]!["key"]!.GetValue<string>().Should().Be(Convert.ToBase64String("value"u8.ToArray()));
        secret["type"]!.GetValue<string>().Should().Be("Opaque");
        (await Client.GetAsync("/api/v1/namespaces/default/configmaps/c1")).Body["data"]!["a"]!.GetValue<string>().Should().Be("b");
        (await Client.GetAsync("/api/v1/namespaces/made-by-kubectl")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Explain_renders_the_CRD_schema()
    {
        var result = await RunOkAsync("explain", "wd.spec");

        result.Stdout.Should().Contain("KIND:       Widget").And.Contain("What the widget should be.");
        result.Stdout.Should().MatchRegex(@"size\s+<integer> -required-").And.Contain("At least 1.");
        result.Stdout.Should().Contain("enum: red, blue");
    }

    [Fact]
    public async Task An_invalid_custom_resource_is_refused_with_field_causes()
    {
        var kubectl = await KubectlAsync();
        var file = await kubectl.WriteFileAsync("bad.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: bad}
            spec: {size: 0, color: green}
            """);

        var result = await kubectl.RunAsync("apply", "-f", file);

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("The Widget \"bad\" is invalid:")
            .And.Contain("* spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"")
            .And.Contain("* spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1");
    }

    [Fact]
    public async Task Unknown_fields_are_refused_strictly_and_warned_about_otherwise()
    {
        var kubectl = await KubectlAsync();
        var file = await kubectl.WriteFileAsync("unknown.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: unknown}
            spec: {size: 1, foo: 1}
            """);

        var strict = await kubectl.RunAsync("apply", "-f", file);
        strict.ExitCode.Should().Be(1);
        strict.Stderr.Should().Contain("strict decoding error: unknown field \"spec.foo\"");

        var warn = await kubectl.RunAsync("apply", "-f", file, "--validate=warn");
        warn.ExitCode.Should().Be(0, warn.ToString());
        warn.Stderr.Should().Contain("Warning: unknown field \"spec.foo\"");
        (await Client.GetAsync(Samples.WidgetsPath + "/unknown")).Body["spec"]!["foo"].Should().BeNull("unknown fields are pruned");
    }
}
