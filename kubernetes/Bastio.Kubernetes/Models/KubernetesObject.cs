using System.Text.Json.Serialization;

namespace Bastio.Kubernetes.Models;

/// <summary>Any Kubernetes object: type metadata plus object metadata.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; set; }

    string? Kind { get; set; }

    ObjectMeta Metadata { get; set; }
}

/// <summary>Base class for typed objects. Subclasses add <c>spec</c>, <c>status</c>, <c>data</c>...</summary>
public abstract class KubernetesObject : IKubernetesObject
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();
}

/// <summary>An object with a status subresource.</summary>
public interface IHasStatus<TStatus>
    where TStatus : class
{
    TStatus? Status { get; set; }
}

/// <summary>A status that carries metav1.Condition entries and the generation it reflects.</summary>
public interface IHasConditions
{
    long? ObservedGeneration { get; set; }

    List<Condition>? Conditions { get; set; }
}
