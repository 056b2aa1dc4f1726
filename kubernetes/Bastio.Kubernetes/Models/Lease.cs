using System.Text.Json.Serialization;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Models;

/// <summary>coordination.k8s.io/v1 Lease, the lock object of leader election.</summary>
public sealed class Lease : KubernetesObject
{
    [JsonPropertyName("spec")]
    public LeaseSpec Spec { get; set; } = new();
}

public sealed class LeaseSpec
{
    [JsonPropertyName("holderIdentity")]
    public string? HolderIdentity { get; set; }

    [JsonPropertyName("leaseDurationSeconds")]
    public int? LeaseDurationSeconds { get; set; }

    [JsonPropertyName("acquireTime")]
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; set; }

    [JsonPropertyName("renewTime")]
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; set; }

    [JsonPropertyName("leaseTransitions")]
    public int? LeaseTransitions { get; set; }
}
