using System.Text.Json.Serialization;
using Bastio.Kubernetes.Models;

namespace Bastio.Crds;

/// <summary>A provider credential (bring your own key) that a Proxy forwards with.</summary>
public sealed class ProviderKey : KubernetesObject, IHasStatus<ProviderKeyStatus>
{
    [JsonPropertyName("spec")]
    public ProviderKeySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ProviderKeyStatus? Status { get; set; }
}

public sealed class ProviderKeySpec
{
    [JsonPropertyName("proxyRef")]
    public LocalObjectReference ProxyRef { get; set; } = new();

    [JsonPropertyName("secretRef")]
    public SecretKeyReference SecretRef { get; set; } = new();

    [JsonPropertyName("label")]
    public string? Label { get; set; }

    /// <summary>1–100, default 100.</summary>
    [JsonPropertyName("weight")]
    public int? Weight { get; set; }

    [JsonPropertyName("disabled")]
    public bool? Disabled { get; set; }

    /// <summary>Name of an older ProviderKey of the same proxy that this one takes traffic from.</summary>
    [JsonPropertyName("replaces")]
    public string? Replaces { get; set; }

    [JsonPropertyName("migration")]
    public MigrationSpec? Migration { get; set; }

    [JsonPropertyName("validation")]
    public ValidationSpec? Validation { get; set; }
}

public sealed class LocalObjectReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}

public sealed class SecretKeyReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Default apiKey.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; set; }
}

public sealed class MigrationSpec
{
    /// <summary>Go duration, default 10m.</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }
}

public sealed class ValidationSpec
{
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Go duration, default 6h.</summary>
    [JsonPropertyName("interval")]
    public string? Interval { get; set; }
}

public sealed class ProviderKeyStatus : IHasConditions
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>Active | Migrating | Retired | Disabled | Invalid.</summary>
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>First 8 hex characters of SHA-256 of the provider key.</summary>
    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; set; }

    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("lastValidatedAt")]
    public DateTimeOffset? LastValidatedAt { get; set; }

    [JsonPropertyName("migration")]
    public MigrationStatus? Migration { get; set; }
}

public sealed class MigrationStatus
{
    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; set; }

    [JsonPropertyName("completedAt")]
    public DateTimeOffset? CompletedAt { get; set; }
}
