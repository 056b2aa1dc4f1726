using System.Text.Json.Serialization;
using Bastio.Plugin.Keys;
using k8s;
using k8s.Models;

namespace Bastio.Plugin.Kube;

/// <summary>What the plugin prints besides the bastio.io kinds; Events with the official client's time format.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(KubernetesJson.KubernetesDateTimeConverter)])]
// managedFields[].fieldsV1 is an object of any shape.
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(KubernetesList<Eventsv1Event>))]
internal sealed partial class PluginJsonContext : JsonSerializerContext;
