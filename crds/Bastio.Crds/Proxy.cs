using System.Text.Json.Serialization;
using Bastio.Crds.Schema;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using k8s;
using k8s.Models;

namespace Bastio.Crds;

/// <summary>A gateway route to one AI provider: upstream, environment, defaults and plans for its keys.</summary>
[Description("Proxy is a gateway route to one AI provider: its upstream, environment, allowed models, and the defaults and plans its ApiKeys use.")]
[CustomResource("proxy", ShortNames = ["px"], Categories = ["bastio"])]
[PrinterColumn("Provider", "string", ".spec.provider")]
[PrinterColumn("Environment", "string", ".spec.environment")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Keys", "integer", ".status.apiKeys")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[Validation("self.metadata.name.size() <= 63", "metadata.name must be at most 63 characters so that it fits in label values")]
public sealed class Proxy : KubernetesResource, ISpec<ProxySpec>, IStatus<ProxyStatus?>
{
    [JsonPropertyName("spec")]
    [Required]
    [Description("Desired state of the proxy.")]
    public ProxySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [Description("State of the proxy as observed by the operator.")]
    public ProxyStatus? Status { get; set; }
}

[Description("Desired state of the proxy.")]
public sealed class ProxySpec
{
    /// <summary>openai | anthropic | azure-openai | openai-compatible.</summary>
    [JsonPropertyName("provider")]
    [Required]
    [Enum(typeof(Providers))]
    [Description("The provider's API dialect, which decides how the provider key is sent: openai, anthropic, azure-openai or openai-compatible.")]
    public string Provider { get; set; } = "";

    /// <summary>Base URL of the provider API, e.g. https://api.openai.com/v1.</summary>
    [JsonPropertyName("upstream")]
    [Required]
    [Pattern(Patterns.HttpUrl)]
    [Length(Max = 2048)]
    [Description("Base URL of the provider API, e.g. https://api.openai.com/v1. A request to /v1/<path> is forwarded to <upstream>/<path>. It may not carry user information, a query string or a fragment: such a Proxy is not Ready (reason InvalidUpstream) and the gateway does not serve it.")]
    public string Upstream { get; set; } = "";

    /// <summary>production (default) | staging | development → key segment live | test | dev.</summary>
    [JsonPropertyName("environment")]
    [Enum(typeof(ProxyEnvironments))]
    [Default(ProxyEnvironments.Production)]
    [Description("production, staging or development; gives the proxy's keys the segment live, test or dev.")]
    public string? Environment { get; set; }

    [JsonPropertyName("allowedModels")]
    [Length(Min = 1, Max = 256)]
    [Items(Min = 1, Max = 256)]
    [ListSet]
    [Description("Models requests may name; a request naming another model is refused. Unset allows every model.")]
    public List<string>? AllowedModels { get; set; }

    [JsonPropertyName("defaults")]
    [Description("Settings for ApiKeys of this proxy that set none of their own.")]
    public ProxyDefaults? Defaults { get; set; }

    /// <summary>Named rate limits an ApiKey may refer to with <c>spec.plan</c>.</summary>
    [JsonPropertyName("plans")]
    [Description("Named rate limits, e.g. free: {requests: 60, period: minute}, that an ApiKey selects with spec.plan. Name plans as DNS labels (a-z, 0-9, '-'): spec.plan accepts nothing else.")]
    public Dictionary<string, RateLimit>? Plans { get; set; }

    [JsonPropertyName("pricing")]
    [ListMap("model")]
    [Items(Max = 1000)]
    [Description("Model prices in US dollars per million tokens, used to cost requests against ApiKey budgets and to report spend. Requests for a model no entry prices are counted and reported as unpriced, never free.")]
    public List<ModelPrice>? Pricing { get; set; }

    [JsonPropertyName("ipAllowList")]
    [Pattern(Patterns.IpOrCidr)]
    [Items(Min = 1, Max = 256)]
    [ListSet]
    [Description("IPv4 and IPv6 addresses or CIDRs every key of the proxy may be used from. Unset allows every address.")]
    public List<string>? IpAllowList { get; set; }

    /// <summary>Upstream request timeout as a Go duration, default 300s.</summary>
    [JsonPropertyName("timeout")]
    [Pattern(Patterns.Duration)]
    [Default("300s")]
    [Description("Upstream request timeout as a Go duration such as 300s or 5m.")]
    public string? Timeout { get; set; }
}

[Description("Settings for ApiKeys that set none of their own.")]
public sealed class ProxyDefaults
{
    [JsonPropertyName("permissions")]
    [Enum(typeof(ApiKeyPermissions))]
    [Items(Min = 1)]
    [ListSet]
    [Description("Permissions of keys without spec.permissions.")]
    public List<string>? Permissions { get; set; }

    [JsonPropertyName("rateLimit")]
    [Description("Rate limit of keys with neither spec.rateLimit nor spec.plan.")]
    public RateLimit? RateLimit { get; set; }
}

[Description("A token bucket per key: refilled with requests per period, holding up to burst (or requests when burst is 0 or unset).")]
public sealed class RateLimit
{
    [JsonPropertyName("requests")]
    [Required]
    [Range(Minimum = 1)]
    [Description("Requests allowed per period; more than 0.")]
    public long Requests { get; set; }

    /// <summary>second | minute | hour | day.</summary>
    [JsonPropertyName("period")]
    [Enum(typeof(RateLimitPeriods))]
    [Default(RateLimitPeriods.Minute)]
    [Description("The period requests refill over: second, minute, hour or day.")]
    public string Period { get; set; } = "minute";

    /// <summary>Bucket capacity; 0 or absent means <c>requests</c>.</summary>
    [JsonPropertyName("burst")]
    [Range(Minimum = 0)]
    [Description("Bucket capacity: how many requests may arrive at once. 0 or unset means requests.")]
    public long? Burst { get; set; }

    [JsonPropertyName("tokenLimit")]
    [Description("Token limit of keys on this plan (or with these defaults); an ApiKey's own spec.tokenLimit overrides it.")]
    public TokenLimit? TokenLimit { get; set; }
}

[Description("State of the proxy as observed by the operator.")]
public sealed class ProxyStatus : IHasConditions
{
    [JsonPropertyName("observedGeneration")]
    [Range(Minimum = 0)]
    [Description("The metadata.generation this status reflects.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    [ListMap("type")]
    [Description("Current conditions; Ready is True when the proxy has at least one usable ProviderKey.")]
    public List<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("apiKeys")]
    [Range(Minimum = 0)]
    [Description("Number of ApiKeys referring to this proxy.")]
    public int? ApiKeys { get; set; }

    [JsonPropertyName("providerKeys")]
    [Range(Minimum = 0)]
    [Description("Number of ProviderKeys referring to this proxy.")]
    public int? ProviderKeys { get; set; }
}
