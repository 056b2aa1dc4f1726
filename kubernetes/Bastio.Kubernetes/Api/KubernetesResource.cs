using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// Type and object metadata of a kind the official client has no model for (custom resources), as its
/// <see cref="IKubernetesObject{TMetadata}"/> wants them; a kind adds its <c>spec</c> and <c>status</c>
/// (<see cref="ISpec{T}"/>, <see cref="IStatus{T}"/>).
/// </summary>
public abstract class KubernetesResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
