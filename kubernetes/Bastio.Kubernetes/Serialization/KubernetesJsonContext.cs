using System.Text.Json.Serialization;
using Bastio.Kubernetes.Models;

namespace Bastio.Kubernetes.Serialization;

/// <summary>
/// Source-generated metadata for the built-in kinds. Contexts for other kinds (the product's CRDs)
/// should use the same options: camelCase, nulls omitted, <see cref="Rfc3339TimeConverter"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(Rfc3339TimeConverter)])]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(KubernetesList<Namespace>))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(KubernetesList<Secret>))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(KubernetesList<ConfigMap>))]
[JsonSerializable(typeof(ServiceAccount))]
[JsonSerializable(typeof(KubernetesList<ServiceAccount>))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(KubernetesList<Event>))]
[JsonSerializable(typeof(CronJob))]
[JsonSerializable(typeof(KubernetesList<CronJob>))]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(KubernetesList<Job>))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(KubernetesList<Lease>))]
[JsonSerializable(typeof(CustomResourceDefinition))]
[JsonSerializable(typeof(KubernetesList<CustomResourceDefinition>))]
[JsonSerializable(typeof(Status))]
public sealed partial class KubernetesJsonContext : JsonSerializerContext;
