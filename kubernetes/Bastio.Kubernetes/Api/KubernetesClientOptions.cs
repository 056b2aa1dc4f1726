namespace Bastio.Kubernetes.Api;

/// <summary>Client-side behaviour the official client lacks; defaults follow client-go's where it has them.</summary>
public sealed class KubernetesClientOptions
{
    /// <summary>Sustained requests per second across the whole client; zero or less disables the limiter.</summary>
    public double Qps { get; set; } = 50;

    /// <summary>Requests that may go out at once after a quiet period.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>
    /// How often a read answered with 429, or a 5xx carrying Retry-After, is sent again. Writes are never
    /// retried: whether a failed write may be repeated is the caller's decision.
    /// </summary>
    public int MaxReadRetries { get; set; } = 3;

    /// <summary>Upper bound on any single server-requested Retry-After wait.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of every non-watch request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public string UserAgent { get; set; } = "bastio-kubernetes/1.0";
}
