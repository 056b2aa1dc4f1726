namespace Bastio.Kubernetes.Client;

/// <summary>Client-side behaviour of <see cref="KubernetesClient"/>; defaults follow client-go's where it has them.</summary>
public sealed class KubernetesClientOptions
{
    /// <summary>Sustained requests per second across all resource clients; zero or less disables the limiter.</summary>
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

    /// <summary>Deadline of every non-watch request, and of a watch until its response headers arrive.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a token read from a file is used before the file is read again.</summary>
    public TimeSpan TokenFileRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    public string UserAgent { get; set; } = "bastio-kubernetes/1.0";
}
