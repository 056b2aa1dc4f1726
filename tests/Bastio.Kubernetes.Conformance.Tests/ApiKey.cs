using System.Text.Json.Serialization;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>The product's ApiKey custom resource, as far as these tests set it, typed as the client's own models are.</summary>
public sealed class ApiKey : IKubernetesObject<V1ObjectMeta>, ISpec<ApiKeySpec>, IStatus<ApiKeyStatus?>
{
    public const string Group = "bastio.io";
    public const string Version = "v1alpha1";
    public const string Plural = "apikeys";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ApiKey";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ApiKeySpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ApiKeyStatus? Status { get; set; }

    public static ApiKey Named(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new ApiKeySpec { ProxyRef = new ProxyRef { Name = "openai" } },
    };
}

public sealed class ApiKeySpec
{
    [JsonPropertyName("proxyRef")]
    public ProxyRef ProxyRef { get; set; } = new();

    [JsonPropertyName("displayName")]
    public string? DisplayName { get; set; }

    [JsonPropertyName("expiresAt")]
    public DateTime? ExpiresAt { get; set; }

    [JsonPropertyName("permissions")]
    public IList<string>? Permissions { get; set; }
}

public sealed class ProxyRef
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}

public sealed class ApiKeyStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("createdAt")]
    public DateTime? CreatedAt { get; set; }
}

public sealed class ApiKeyList : IKubernetesObject<V1ListMeta>, IItems<ApiKey>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ApiKey.Group}/{ApiKey.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ApiKeyList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<ApiKey> Items { get; set; } = [];
}
