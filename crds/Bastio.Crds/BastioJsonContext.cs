using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Bastio.Crds;

/// <summary>
/// Source-generated JSON metadata for the custom resources, with the official client's settings (its
/// time converters, nulls omitted so that a merge patch or an update never writes <c>null</c> over a field
/// the API server defaulted). <see cref="Register"/> puts it first in <see cref="KubernetesJson"/>'s
/// resolvers, so the official client's list, watch and write paths use it instead of reflection.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
// managedFields[].fieldsV1 is an object of any shape.
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(KubernetesList<ApiKey>))]
[JsonSerializable(typeof(ProviderKey))]
[JsonSerializable(typeof(KubernetesList<ProviderKey>))]
[JsonSerializable(typeof(Proxy))]
[JsonSerializable(typeof(KubernetesList<Proxy>))]
public sealed partial class BastioJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Runs when this assembly is first used, which is before any bastio.io object can be sent or read.
    /// Options the official client has already used are frozen: then its reflection-based resolver, which
    /// reads the same attributes, keeps serving these types.
    /// </summary>
#pragma warning disable CA2255 // The official client's serializer is process-wide; this is the one place that can reach it first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        KubernetesJson.AddJsonOptions(options =>
        {
            if (!options.IsReadOnly)
            {
                options.TypeInfoResolverChain.Insert(0, Default);
            }
        });
}
