using System.Text.Json.Serialization;

namespace Bastio.Kubernetes.Models;

/// <summary>metav1.Status: the body of every API error.</summary>
public sealed class Status
{
    [JsonPropertyName("kind")]
    public string? Kind { get; set; } = "Status";

    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; } = "v1";

    [JsonPropertyName("status")]
    public string? Outcome { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("details")]
    public StatusDetails? Details { get; set; }
}

public sealed class StatusDetails
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    [JsonPropertyName("causes")]
    public List<StatusCause>? Causes { get; set; }

    [JsonPropertyName("retryAfterSeconds")]
    public int? RetryAfterSeconds { get; set; }
}

public sealed class StatusCause
{
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("field")]
    public string? Field { get; set; }
}
