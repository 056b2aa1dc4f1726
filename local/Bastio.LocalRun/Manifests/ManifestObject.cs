using System.Text.Json;
using System.Text.Json.Serialization;
using Bastio.Kubernetes.Models;

namespace Bastio.LocalRun.Manifests;

/// <summary>Any object from a manifest: type and object metadata typed, every other field kept as is.</summary>
public sealed class ManifestObject : KubernetesObject
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; set; } = [];
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ManifestObject))]
[JsonSerializable(typeof(KubernetesList<ManifestObject>))]
internal sealed partial class LocalRunJsonContext : JsonSerializerContext;
