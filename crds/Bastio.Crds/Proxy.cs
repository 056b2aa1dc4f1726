using System.Text.Json.Serialization;
using Bastio.Kubernetes.Models;

namespace Bastio.Crds;

/// <summary>A gateway route to one AI provider: upstream, environment, defaults and plans for its keys.</summary>
public sealed class Proxy : KubernetesObject, IHasStatus<ProxyStatus>
{
    [JsonPropertyName("spec")]
    public ProxySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ProxyStatus? Status { get; set; }
}

public sealed class ProxySpec
{
    /// <summary>openai | anthropic | azure-openai | openai-compatible.</summary>
    [JsonPropertyName("provider")]
    public string Provider { get; set; } = "";

    /// <summary>Base URL of the provider API, e.g. https://api.openai.com/v1.</summary>
    [JsonPropertyName("upstream")]
    public string Upstream { get; set; } = "";

    /// <summary>production (default) | staging | development → key segment live | test | dev.</summary>
    [JsonPropertyName("environment")]
    public string? Environment { get; set; }

    [JsonPropertyName("allowedModels")]
    public List<string>? AllowedModels { get; set; }

    [JsonPropertyName("defaults")]
    public ProxyDefaults? Defaults { get; set; }

    /// <summary>Named rate limits an ApiKey may refer to with <c>spec.plan</c>.</summary>
    [JsonPropertyName("plans")]
    public Dictionary<string, RateLimit>? Plans { get; set; }

    [JsonPropertyName("ipAllowList")]
    public List<string>? IpAllowList { get; set; }

    /// <summary>Upstream request timeout as a Go duration, default 300s.</summary>
    [JsonPropertyName("timeout")]
    public string? Timeout { get; set; }
}

public sealed class ProxyDefaults
{
    [JsonPropertyName("permissions")]
    public List<string>? Permissions { get; set; }

    [JsonPropertyName("rateLimit")]
    public RateLimit? RateLimit { get; set; }
}

public sealed class RateLimit
{
    [JsonPropertyName("requests")]
    public long Requests { get; set; }

    /// <summary>second | minute | hour | day.</summary>
    [JsonPropertyName("period")]
    public string Period { get; set; } = "minute";

    /// <summary>Bucket capacity; 0 or absent means <c>requests</c>.</summary>
    [JsonPropertyName("burst")]
    public long? Burst { get; set; }
}

public sealed class ProxyStatus : IHasConditions
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    [JsonPropertyName("apiKeys")]
    public int? ApiKeys { get; set; }

    [JsonPropertyName("providerKeys")]
    public int? ProviderKeys { get; set; }
}
