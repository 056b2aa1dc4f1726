using System.Text.Json.Serialization;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Runtime;

/// <summary>The test kind: a namespaced custom resource with a status subresource and conditions.</summary>
internal sealed class Widget : KubernetesResource, ISpec<WidgetSpec>, IStatus<WidgetStatus?>
{
    public static readonly ResourceType Type = new("example.com", "v1", "widgets", "Widget", true);

    public const string CrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
                      observedGeneration: {type: integer}
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
                            reason: {type: string}
                            message: {type: string}
                            observedGeneration: {type: integer}
                            lastTransitionTime: {type: string, format: date-time}
        """;

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }

    public static Widget Create(string? ns, string name, string? resourceVersion = null, Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = Type.ApiVersion,
        Kind = Type.Kind,
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = resourceVersion, Labels = labels },
    };
}

internal sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }
}

internal sealed class WidgetStatus : IHasConditions
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(KubernetesJson.KubernetesDateTimeConverter)])]
// managedFields[].fieldsV1 is an object of any shape.
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(Widget))]
[JsonSerializable(typeof(KubernetesList<Widget>))]
internal sealed partial class WidgetJsonContext : JsonSerializerContext;
