using System.Text.Json.Serialization;
using Bastio.Crds.Schema;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using k8s;
using k8s.Models;

namespace Bastio.Crds;

/// <summary>A provider credential (bring your own key) that a Proxy forwards with.</summary>
[Description("ProviderKey is a credential of the AI provider (bring your own key) that one Proxy forwards requests with. The operator keeps an encrypted copy for the gateway and validates it against the provider.")]
[CustomResource("providerkey", ShortNames = ["pk"], Categories = ["bastio"])]
[PrinterColumn("Proxy", "string", ".spec.proxyRef.name")]
[PrinterColumn("Provider", "string", ".status.provider")]
[PrinterColumn("Fingerprint", "string", ".status.fingerprint")]
[PrinterColumn("Validated", "string", ".status.conditions[?(@.type==\"Validated\")].status")]
[PrinterColumn("Phase", "string", ".status.phase")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[Validation("self.metadata.name.size() <= 63", "metadata.name must be at most 63 characters so that it fits in label values")]
[Validation("!has(self.spec.replaces) || self.spec.replaces != self.metadata.name", "spec.replaces must name another ProviderKey, not this one")]
public sealed class ProviderKey : KubernetesResource, ISpec<ProviderKeySpec>, IStatus<ProviderKeyStatus?>
{
    [JsonPropertyName("spec")]
    [Required]
    [Description("Desired state of the provider key.")]
    public ProviderKeySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [Description("State of the provider key as observed by the operator.")]
    public ProviderKeyStatus? Status { get; set; }
}

[Description("Desired state of the provider key.")]
[Validation("!has(self.migration) || has(self.replaces)", "migration applies only together with replaces", FieldPath = ".migration")]
public sealed class ProviderKeySpec
{
    [JsonPropertyName("proxyRef")]
    [Required]
    [Description("The Proxy in the same namespace this credential serves.")]
    public LocalObjectReference ProxyRef { get; set; } = new();

    [JsonPropertyName("secretRef")]
    [Required]
    [Description("The Secret in the same namespace holding the provider's API key. It must carry the label bastio.io/provider-key: \"true\" (it opts in to being read); otherwise the key is Ready=False with reason SourceNotAllowed and nothing is read.")]
    public SecretKeyReference SecretRef { get; set; } = new();

    [JsonPropertyName("label")]
    [Length(Max = 256)]
    [Description("Free text, e.g. \"OpenAI Production\".")]
    public string? Label { get; set; }

    /// <summary>1–100, default 100.</summary>
    [JsonPropertyName("weight")]
    [Range(Minimum = 1, Maximum = 100)]
    [Default(100)]
    [Description("Share of the Proxy's traffic among its active provider keys, 1 to 100.")]
    public int? Weight { get; set; }

    [JsonPropertyName("disabled")]
    [Description("Take the key out of traffic without deleting it.")]
    public bool? Disabled { get; set; }

    /// <summary>Name of an older ProviderKey of the same proxy that this one takes traffic from.</summary>
    [JsonPropertyName("replaces")]
    [Pattern(Patterns.DnsSubdomain)]
    [Length(Max = 63)]
    [Description("Name of an older ProviderKey of the same Proxy. Once this key is validated, traffic moves from the old key to this one linearly over migration.duration; then the old key is retired. A key of another Proxy, or one whose replaces lead back to this key, is refused (Ready=False, reason InvalidReplaces) and nothing is retired.")]
    public string? Replaces { get; set; }

    [JsonPropertyName("migration")]
    [Description("How traffic moves from the key named by replaces to this one.")]
    public MigrationSpec? Migration { get; set; }

    [JsonPropertyName("validation")]
    [Description("Periodic check of the key against the provider (GET {upstream}/models with the provider's auth header).")]
    public ValidationSpec? Validation { get; set; }
}

[Description("A reference to an object in the same namespace.")]
public sealed class LocalObjectReference
{
    [JsonPropertyName("name")]
    [Required]
    [Length(Min = 1, Max = 253)]
    [Description("Name of the object in the same namespace.")]
    public string Name { get; set; } = "";
}

[Description("A key of a Secret in the same namespace.")]
public sealed class SecretKeyReference
{
    [JsonPropertyName("name")]
    [Required]
    [Pattern(Patterns.DnsSubdomain)]
    [Length(Min = 1, Max = 253)]
    [Description("Name of the Secret in the same namespace.")]
    public string Name { get; set; } = "";

    /// <summary>Default apiKey.</summary>
    [JsonPropertyName("key")]
    [Pattern(Patterns.SecretKey)]
    [Length(Max = 253)]
    [Default("apiKey")]
    [Description("Data key within the Secret.")]
    public string? Key { get; set; }
}

[Description("How traffic moves from the replaced key to this one.")]
public sealed class MigrationSpec
{
    /// <summary>Go duration, default 10m.</summary>
    [JsonPropertyName("duration")]
    [Pattern(Patterns.Duration)]
    [Default("10m")]
    [Description("How long the linear traffic shift takes, as a Go duration such as 10m or 1h.")]
    public string? Duration { get; set; }
}

[Description("Periodic validation of the key against the provider.")]
public sealed class ValidationSpec
{
    [JsonPropertyName("enabled")]
    [Default(true)]
    [Description("Whether the operator checks the key against the provider.")]
    public bool? Enabled { get; set; }

    /// <summary>Go duration, default 6h.</summary>
    [JsonPropertyName("interval")]
    [Pattern(Patterns.Duration)]
    [Default("6h")]
    [Description("How often to check, as a Go duration such as 6h or 30m.")]
    public string? Interval { get; set; }
}

[Description("State of the provider key as observed by the operator.")]
public sealed class ProviderKeyStatus : IHasConditions
{
    [JsonPropertyName("observedGeneration")]
    [Range(Minimum = 0)]
    [Description("The metadata.generation this status reflects.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    [ListMap("type")]
    [Description("Current conditions: Ready, and Validated (True; False with reason InvalidCredentials or UpstreamNotAllowed; Unknown with reason ProviderUnreachable or ProviderRedirected).")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>Active | Migrating | Retired | Disabled | Invalid.</summary>
    [JsonPropertyName("phase")]
    [Enum(typeof(ProviderKeyPhases))]
    [Description("Lifecycle phase: Active, Migrating, Retired, Disabled or Invalid.")]
    public string? Phase { get; set; }

    /// <summary>First 8 hex characters of an HMAC-SHA256 of the provider key under a per-installation key.</summary>
    [JsonPropertyName("fingerprint")]
    [Description("First 8 hex characters of an HMAC-SHA256 of the provider key under a per-installation secret, to tell keys apart without revealing them or letting a guess be checked. Changes when the encryption key is rotated.")]
    public string? Fingerprint { get; set; }

    [JsonPropertyName("provider")]
    [Description("The provider of the referenced Proxy.")]
    public string? Provider { get; set; }

    [JsonPropertyName("lastValidatedAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("When the key was last checked against the provider.")]
    public DateTimeOffset? LastValidatedAt { get; set; }

    [JsonPropertyName("validatedUpstream")]
    [Description("The Proxy upstream the key was last validated against; when the Proxy's upstream changes the key is validated again.")]
    public string? ValidatedUpstream { get; set; }

    [JsonPropertyName("migration")]
    [Description("Progress of the traffic migration from the replaced key.")]
    public MigrationStatus? Migration { get; set; }
}

[Description("Progress of the traffic migration from the replaced key.")]
public sealed class MigrationStatus
{
    [JsonPropertyName("startedAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("When traffic started moving to this key.")]
    public DateTimeOffset? StartedAt { get; set; }

    [JsonPropertyName("completedAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("When all traffic had moved and the replaced key was retired.")]
    public DateTimeOffset? CompletedAt { get; set; }
}
