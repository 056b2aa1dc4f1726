using System.Text.Json.Serialization;
using Bastio.Kubernetes.Models;

namespace Bastio.Crds;

/// <summary>A client key for one Proxy, delivered into a Secret in the ApiKey's namespace.</summary>
public sealed class ApiKey : KubernetesObject, IHasStatus<ApiKeyStatus>
{
    [JsonPropertyName("spec")]
    public ApiKeySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ApiKeyStatus? Status { get; set; }
}

public sealed class ApiKeySpec
{
    [JsonPropertyName("proxyRef")]
    public LocalObjectReference ProxyRef { get; set; } = new();

    [JsonPropertyName("displayName")]
    public string? DisplayName { get; set; }

    /// <summary>Subset of chat, completions, embeddings, images, audio, models, analytics, admin.</summary>
    [JsonPropertyName("permissions")]
    public List<string>? Permissions { get; set; }

    [JsonPropertyName("rateLimit")]
    public RateLimit? RateLimit { get; set; }

    /// <summary>Name of one of the Proxy's plans; exclusive with rateLimit.</summary>
    [JsonPropertyName("plan")]
    public string? Plan { get; set; }

    [JsonPropertyName("ipAllowList")]
    public List<string>? IpAllowList { get; set; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset? ExpiresAt { get; set; }

    [JsonPropertyName("disabled")]
    public bool? Disabled { get; set; }

    [JsonPropertyName("revoked")]
    public bool? Revoked { get; set; }

    [JsonPropertyName("rotation")]
    public RotationSpec? Rotation { get; set; }

    /// <summary>Default <c>&lt;name&gt;-key</c>.</summary>
    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }
}

public sealed class RotationSpec
{
    /// <summary>5-field cron expression.</summary>
    [JsonPropertyName("schedule")]
    public string? Schedule { get; set; }

    /// <summary>Go duration during which the previous key keeps working, default 24h.</summary>
    [JsonPropertyName("gracePeriod")]
    public string? GracePeriod { get; set; }
}

public sealed class ApiKeyStatus : IHasConditions
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>Pending | Active | Disabled | Expired | Revoked | Invalid.</summary>
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("keyId")]
    public string? KeyId { get; set; }

    /// <summary>Display only, e.g. bastio_sk_live_2iqb….</summary>
    [JsonPropertyName("keyPrefix")]
    public string? KeyPrefix { get; set; }

    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; set; }

    [JsonPropertyName("lastRotatedAt")]
    public DateTimeOffset? LastRotatedAt { get; set; }

    [JsonPropertyName("previousKeyExpiresAt")]
    public DateTimeOffset? PreviousKeyExpiresAt { get; set; }

    [JsonPropertyName("nextRotationAt")]
    public DateTimeOffset? NextRotationAt { get; set; }

    /// <summary>The value of the rotate-requested-at annotation last acted on.</summary>
    [JsonPropertyName("lastRotationRequest")]
    public string? LastRotationRequest { get; set; }

    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }
}
