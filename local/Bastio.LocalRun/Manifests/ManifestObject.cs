using System.Text.Json;
using System.Text.Json.Serialization;
using Bastio.Kubernetes.Api;

namespace Bastio.LocalRun.Manifests;

/// <summary>Any object from a manifest of a kind outside the core group: metadata typed, every other field kept as is.</summary>
public sealed class ManifestObject : KubernetesResource
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; set; } = [];
}
