using System.Text.Json.Serialization;
using Bastio.Crds.Schema;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using k8s;
using k8s.Models;

namespace Bastio.Crds;

/// <summary>A client key for one Proxy, delivered into a Secret in the ApiKey's namespace.</summary>
[Description("ApiKey is a client key for one Proxy. The operator generates it, delivers the plaintext into a Secret in the ApiKey's namespace, and gives the gateway only a verifier.")]
[CustomResource("apikey", ShortNames = ["ak"], Categories = ["bastio"])]
[PrinterColumn("Proxy", "string", ".spec.proxyRef.name")]
[PrinterColumn("Key-ID", "string", ".status.keyId")]
[PrinterColumn("Phase", "string", ".status.phase")]
[PrinterColumn("Permissions", "string", ".spec.permissions")]
[PrinterColumn("Expires", "string", ".spec.expiresAt")]
[PrinterColumn("Budget-Used", "integer", ".status.usage.budgetUsedPercent", Description = "Percent of spec.budget spent this period", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[Validation("self.metadata.name.size() <= 63", "metadata.name must be at most 63 characters so that it fits in label values")]
public sealed class ApiKey : KubernetesResource, ISpec<ApiKeySpec>, IStatus<ApiKeyStatus?>
{
    [JsonPropertyName("spec")]
    [Required]
    [Description("Desired state of the key.")]
    public ApiKeySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [Description("State of the key as observed by the operator.")]
    public ApiKeyStatus? Status { get; set; }
}

[Description("Desired state of the key.")]
[Validation("!(has(self.rateLimit) && has(self.plan))", "rateLimit and plan are mutually exclusive: set at most one")]
[Validation("!has(self.rateLimit) || !has(self.rateLimit.tokenLimit)", "set the key's token limit as spec.tokenLimit, not spec.rateLimit.tokenLimit")]
[Validation("!has(oldSelf.revoked) || !oldSelf.revoked || (has(self.revoked) && self.revoked)", "revoked cannot be undone: create a new ApiKey instead", FieldPath = ".revoked")]
public sealed class ApiKeySpec
{
    [JsonPropertyName("proxyRef")]
    [Required]
    [Description("The Proxy in the same namespace this key may call.")]
    public LocalObjectReference ProxyRef { get; set; } = new();

    [JsonPropertyName("displayName")]
    [Length(Max = 256)]
    [Description("Free text naming the key's owner or purpose.")]
    public string? DisplayName { get; set; }

    /// <summary>Subset of chat, completions, embeddings, images, audio, models, analytics, admin.</summary>
    [JsonPropertyName("permissions")]
    [Enum(typeof(ApiKeyPermissions))]
    [Items(Min = 1)]
    [ListSet]
    [Description("Routes the key may call: chat (chat completions, responses, messages), completions, embeddings, images, audio, models, analytics (its own usage) and admin (every route). When unset the Proxy's spec.defaults.permissions apply.")]
    public List<string>? Permissions { get; set; }

    [JsonPropertyName("rateLimit")]
    [Description("Token-bucket rate limit of this key. When neither rateLimit nor plan is set, the Proxy's spec.defaults.rateLimit applies.")]
    public RateLimit? RateLimit { get; set; }

    [JsonPropertyName("tokenLimit")]
    [Description("Limit on the provider-reported tokens of this key; overrides the token limit of its plan or of the Proxy's spec.defaults.rateLimit.")]
    public TokenLimit? TokenLimit { get; set; }

    [JsonPropertyName("budget")]
    [Description("Spending limit in US dollars per day, week or month, costed with the Proxy's spec.pricing. When spent the key gets 429 insufficient_quota until the next period.")]
    public Budget? Budget { get; set; }

    /// <summary>Name of one of the Proxy's plans; exclusive with rateLimit.</summary>
    [JsonPropertyName("plan")]
    [Pattern(Patterns.DnsLabel)]
    [Length(Max = 63)]
    [Description("Name of one of the Proxy's spec.plans whose rate limit applies. Exclusive with rateLimit.")]
    public string? Plan { get; set; }

    [JsonPropertyName("ipAllowList")]
    [Pattern(Patterns.IpOrCidr)]
    [Items(Min = 1, Max = 256)]
    [ListSet]
    [Description("IPv4 and IPv6 addresses or CIDRs the key may be used from, narrowing the Proxy's spec.ipAllowList. Unset allows every address the Proxy allows.")]
    public List<string>? IpAllowList { get; set; }

    [JsonPropertyName("expiresAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("RFC 3339 time from which the key is refused (phase Expired).")]
    public DateTimeOffset? ExpiresAt { get; set; }

    [JsonPropertyName("disabled")]
    [Description("Temporarily refuse the key; setting it back to false enables it again.")]
    public bool? Disabled { get; set; }

    [JsonPropertyName("revoked")]
    [Description("Emergency revocation. Permanent: the key material is destroyed and the field cannot be set back to false.")]
    public bool? Revoked { get; set; }

    [JsonPropertyName("rotation")]
    [Description("Scheduled rotation through a CronJob. The key id stays the same; the previous key keeps working for gracePeriod.")]
    public RotationSpec? Rotation { get; set; }

    /// <summary>Default <c>&lt;name&gt;-key</c>.</summary>
    [JsonPropertyName("secretName")]
    [Pattern(Patterns.DnsSubdomain)]
    [Length(Max = 253)]
    [Description("Secret in the same namespace that receives the plaintext key (data keys apiKey, keyId and baseUrl). Defaults to <name>-key.")]
    public string? SecretName { get; set; }
}

[Description("Scheduled rotation of the key.")]
public sealed class RotationSpec
{
    /// <summary>5-field cron expression.</summary>
    [JsonPropertyName("schedule")]
    [Required]
    [Pattern(Patterns.Cron)]
    [Description("When to rotate, as a 5-field cron expression in UTC (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly.")]
    public string? Schedule { get; set; }

    /// <summary>Go duration during which the previous key keeps working, default 24h.</summary>
    [JsonPropertyName("gracePeriod")]
    [Pattern(Patterns.Duration)]
    [Default("24h")]
    [Description("How long the previous key keeps working after a rotation, as a Go duration such as 24h or 90m.")]
    public string? GracePeriod { get; set; }
}

[Description("State of the key as observed by the operator.")]
public sealed class ApiKeyStatus : IHasConditions
{
    [JsonPropertyName("observedGeneration")]
    [Range(Minimum = 0)]
    [Description("The metadata.generation this status reflects.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    [ListMap("type")]
    [Description("Current conditions of the key; Ready is True when the key works at the gateway.")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>Pending | Active | Disabled | Expired | Revoked | Invalid.</summary>
    [JsonPropertyName("phase")]
    [Enum(typeof(ApiKeyPhases))]
    [Description("Lifecycle phase: Pending, Active, Disabled, Expired, Revoked or Invalid.")]
    public string? Phase { get; set; }

    [JsonPropertyName("keyId")]
    [Description("Public identifier of the key, stable across rotations and safe to log.")]
    public string? KeyId { get; set; }

    /// <summary>Display only, e.g. bastio_sk_live_2iqb….</summary>
    [JsonPropertyName("keyPrefix")]
    [Description("Beginning of the key for display only, e.g. bastio_sk_live_2iqb….")]
    public string? KeyPrefix { get; set; }

    [JsonPropertyName("version")]
    [Range(Minimum = 1)]
    [Description("Key version: 1 when created, incremented by each rotation.")]
    public int? Version { get; set; }

    [JsonPropertyName("createdAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("When the first key was issued.")]
    public DateTimeOffset? CreatedAt { get; set; }

    [JsonPropertyName("lastRotatedAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("When the current key was issued by a rotation.")]
    public DateTimeOffset? LastRotatedAt { get; set; }

    [JsonPropertyName("previousKeyExpiresAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("When the previous key stops working; unset when no previous key is valid.")]
    public DateTimeOffset? PreviousKeyExpiresAt { get; set; }

    [JsonPropertyName("nextRotationAt")]
    [JsonConverter(typeof(WholeSecondTimeConverter))]
    [Description("Next scheduled rotation according to spec.rotation.schedule.")]
    public DateTimeOffset? NextRotationAt { get; set; }

    /// <summary>The value of the rotate-requested-at annotation last acted on.</summary>
    [JsonPropertyName("lastRotationRequest")]
    [Description("The value of the bastio.io/rotate-requested-at annotation the operator last acted on.")]
    public string? LastRotationRequest { get; set; }

    [JsonPropertyName("secretName")]
    [Description("The Secret the plaintext key is delivered to.")]
    public string? SecretName { get; set; }

    [JsonPropertyName("usage")]
    [Description("Tokens, cost and budget used this period, written by the gateway (at most once a minute per key, and at each budget threshold).")]
    public ApiKeyUsage? Usage { get; set; }
}
