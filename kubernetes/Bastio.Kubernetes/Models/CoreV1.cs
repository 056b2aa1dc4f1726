using System.Text.Json.Serialization;

namespace Bastio.Kubernetes.Models;

/// <summary>core/v1 Namespace.</summary>
public sealed class Namespace : KubernetesObject
{
    [JsonPropertyName("spec")]
    public NamespaceSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    public NamespaceStatus? Status { get; set; }
}

public sealed class NamespaceSpec
{
    [JsonPropertyName("finalizers")]
    public List<string>? Finalizers { get; set; }
}

public sealed class NamespaceStatus
{
    /// <summary>"Active" or "Terminating".</summary>
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }
}

/// <summary>core/v1 Secret. <see cref="Data"/> values travel base64-encoded; <see cref="StringData"/> is write-only plaintext.</summary>
public sealed class Secret : KubernetesObject
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data")]
    public Dictionary<string, byte[]>? Data { get; set; }

    /// <summary>Merged into <see cref="Data"/> by the server on write and never returned.</summary>
    [JsonPropertyName("stringData")]
    public Dictionary<string, string>? StringData { get; set; }

    [JsonPropertyName("immutable")]
    public bool? Immutable { get; set; }
}

/// <summary>core/v1 ConfigMap.</summary>
public sealed class ConfigMap : KubernetesObject
{
    [JsonPropertyName("data")]
    public Dictionary<string, string>? Data { get; set; }

    [JsonPropertyName("binaryData")]
    public Dictionary<string, byte[]>? BinaryData { get; set; }

    [JsonPropertyName("immutable")]
    public bool? Immutable { get; set; }
}

/// <summary>core/v1 ServiceAccount.</summary>
public sealed class ServiceAccount : KubernetesObject
{
    [JsonPropertyName("automountServiceAccountToken")]
    public bool? AutomountServiceAccountToken { get; set; }

    [JsonPropertyName("secrets")]
    public List<ObjectReference>? Secrets { get; set; }
}

/// <summary>core/v1 ObjectReference: points at any object, e.g. the subject of an Event.</summary>
public sealed class ObjectReference
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    [JsonPropertyName("resourceVersion")]
    public string? ResourceVersion { get; set; }

    [JsonPropertyName("fieldPath")]
    public string? FieldPath { get; set; }
}
