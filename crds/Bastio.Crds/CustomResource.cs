using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Bastio.Crds;

/// <summary>
/// Type and object metadata of the bastio.io kinds, as the official client's <see cref="IKubernetesObject{TMetadata}"/>
/// wants them; each kind adds its <c>spec</c> and <c>status</c> (<see cref="ISpec{T}"/>, <see cref="IStatus{T}"/>).
/// </summary>
public abstract class CustomResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
