using System.Text.Json.Serialization;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Configuration;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;
using Bastio.Kubernetes.TestCluster;

namespace Bastio.Kubernetes.Tests.Client;

/// <summary>
/// One test cluster per test class (xunit runs a class's tests one at a time, so faults injected by one
/// test cannot hit another). Each test works in its own namespace.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly ResourceType Widgets = new("example.com", "v1", "widgets", "Widget", true);

    public TestClusterServer Server { get; private set; } = null!;

    public KubernetesClient Client { get; private set; } = null!;

    public IResourceClient<Widget> WidgetClient => Client.Resource(Widgets, ClientTestJsonContext.Default.Widget, ClientTestJsonContext.Default.KubernetesListWidget);

    public async Task InitializeAsync()
    {
        Server = await TestClusterServer.StartAsync(new TestClusterOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        Client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfigYaml(Server.KubeconfigYaml));
        await Client.CustomResourceDefinitions().CreateAsync(WidgetDefinition());
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    public async Task<string> NewNamespaceAsync()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];
        await Client.Namespaces().CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } });
        return name;
    }

    private static CustomResourceDefinition WidgetDefinition()
    {
        const string schema = """
            {"type":"object","properties":{
              "spec":{"type":"object","required":["size"],"properties":{
                "size":{"type":"integer","minimum":1},
                "color":{"type":"string","enum":["red","blue"]}}},
              "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}
            """;
        return new CustomResourceDefinition
        {
            Metadata = new ObjectMeta { Name = "widgets.example.com" },
            Spec = new CustomResourceDefinitionSpec
            {
                Group = "example.com",
                Scope = "Namespaced",
                Names = new CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget", ListKind = "WidgetList" },
                Versions =
                [
                    new CustomResourceDefinitionVersion
                    {
                        Name = "v1",
                        Served = true,
                        Storage = true,
                        Schema = new CustomResourceValidation { OpenApiV3Schema = System.Text.Json.JsonDocument.Parse(schema).RootElement.Clone() },
                        Subresources = new CustomResourceSubresources { Status = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone() },
                    },
                ],
            },
        };
    }
}

public sealed class Widget : KubernetesObject, IHasStatus<WidgetStatus>
{
    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }
}

public sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int? Size { get; set; }

    [JsonPropertyName("color")]
    public string? Color { get; set; }
}

public sealed class WidgetStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(Rfc3339TimeConverter)])]
[JsonSerializable(typeof(Widget))]
[JsonSerializable(typeof(KubernetesList<Widget>))]
internal sealed partial class ClientTestJsonContext : JsonSerializerContext;
