using System.Text.Json.Serialization;

namespace Bastio.Plugin.Keys;

/// <summary>What <c>keys create</c> and <c>keys regenerate</c> print with <c>-o json|yaml</c>: the only time the key is shown.</summary>
public sealed record CreatedKey(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("keyId")] string? KeyId,
    [property: JsonPropertyName("apiKey")] string ApiKey,
    [property: JsonPropertyName("secretName")] string SecretName,
    [property: JsonPropertyName("baseUrl")] string? BaseUrl);
