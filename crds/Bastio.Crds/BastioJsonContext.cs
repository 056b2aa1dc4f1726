using System.Text.Json.Serialization;
using Bastio.Kubernetes.Models;

namespace Bastio.Crds;

/// <summary>
/// Source-generated JSON metadata for the custom resources, for
/// <c>IKubernetesClient.Resource&lt;T&gt;(BastioResources.ApiKeys, BastioJsonContext.Default.ApiKey, BastioJsonContext.Default.KubernetesListApiKey)</c>.
/// Nulls are omitted so that a merge patch or an update never writes <c>null</c> over a field the
/// API server defaulted.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(KubernetesList<ApiKey>))]
[JsonSerializable(typeof(ProviderKey))]
[JsonSerializable(typeof(KubernetesList<ProviderKey>))]
[JsonSerializable(typeof(Proxy))]
[JsonSerializable(typeof(KubernetesList<Proxy>))]
public sealed partial class BastioJsonContext : JsonSerializerContext;
