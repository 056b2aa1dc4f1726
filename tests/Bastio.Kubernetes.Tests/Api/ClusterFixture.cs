using System.Text.Json.Serialization;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.TestCluster;

namespace Bastio.Kubernetes.Tests.Api;

/// <summary>
/// One test cluster per test class (xunit runs a class's tests one at a time, so faults injected by one
/// test cannot hit another). Each test works in its own namespace.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly ResourceType Widgets = new("example.com", "v1", "widgets", "Widget", true);

    public TestClusterServer Server { get; private set; } = null!;

    public IKubernetes Client { get; private set; } = null!;

    public IResourceClient<Widget> WidgetClient => Client.Resource<Widget>(Widgets);

    public async Task InitializeAsync()
    {
        Server = await TestClusterServer.StartAsync(new TestClusterOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        Client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(Server.KubeconfigYaml));
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
        await Client.Namespaces().CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    private static V1CustomResourceDefinition WidgetDefinition()
    {
        const string schema = """
            {"type":"object","properties":{
              "spec":{"type":"object","required":["size"],"properties":{
                "size":{"type":"integer","minimum":1},
                "color":{"type":"string","enum":["red","blue"]}}},
              "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}
            """;
        return new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "widgets.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "example.com",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget", ListKind = "WidgetList" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1",
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = KubernetesJson.Deserialize<V1JSONSchemaProps>(schema) },
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                    },
                ],
            },
        };
    }
}

public sealed class Widget : KubernetesResource, ISpec<WidgetSpec>, IStatus<WidgetStatus?>
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

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubernetesJson.KubernetesDateTimeConverter)])]
// managedFields[].fieldsV1 is an object of any shape.
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(Widget))]
[JsonSerializable(typeof(KubernetesList<Widget>))]
internal sealed partial class ClientTestJsonContext : JsonSerializerContext;
