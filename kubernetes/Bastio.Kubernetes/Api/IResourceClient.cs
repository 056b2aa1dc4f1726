using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// Uniform access to one kind over the official client (as YARP's informers have per kind): the runtime's
/// informers, finalizers and status writers are written once against it. <c>ns</c> is required for
/// namespaced kinds on item operations and optional on List/Watch (null = all namespaces); it must be null
/// for cluster-scoped kinds. Failures throw <see cref="KubernetesApiException"/> subclasses carrying the
/// server's Status.
/// </summary>
public interface IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    ResourceType Type { get; }

    Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default);

    /// <summary>Returns null instead of throwing on 404.</summary>
    Task<T?> TryGetAsync(string? ns, string name, CancellationToken cancellationToken = default);

    /// <summary>One page. Use <see cref="ListOptions.Continue"/> for the next.</summary>
    Task<KubernetesList<T>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>All pages, following <c>continue</c>; resourceVersion of the result is the first page's.</summary>
    Task<KubernetesList<T>> ListAllAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default);

    Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>PUT with <c>metadata.resourceVersion</c> from <paramref name="obj"/>: 409 Conflict when stale.</summary>
    Task<T> ReplaceAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>PUT to the status subresource.</summary>
    Task<T> ReplaceStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>PATCH with a JSON body (merge patch or JSON patch) to the object or its status subresource.</summary>
    Task<T> PatchAsync(string? ns, string name, PatchType patchType, string patchJson, bool status = false, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// DELETE. Returns the object while finalizers hold it, or null once it is gone. Deleting an object
    /// that does not exist throws <see cref="NotFoundException"/>, as on a real cluster.
    /// </summary>
    Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// One watch request: yields events until the server closes the stream or the token is cancelled.
    /// Expiry in either shape — an HTTP 410 before the stream or an in-stream ERROR event carrying a 410
    /// Status — throws <see cref="GoneException"/>; other ERROR events throw the matching
    /// <see cref="KubernetesApiException"/>.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, WatchOptions options, CancellationToken cancellationToken = default);
}

public enum PatchType
{
    /// <summary><c>application/merge-patch+json</c> (RFC 7386).</summary>
    Merge,

    /// <summary><c>application/json-patch+json</c> (RFC 6902).</summary>
    Json,

    /// <summary><c>application/strategic-merge-patch+json</c> (built-in kinds only).</summary>
    StrategicMerge,
}

public sealed record ListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public int? Limit { get; init; }

    public string? Continue { get; init; }

    public string? ResourceVersion { get; init; }
}

public sealed record WatchOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Start after this version; null or "0" gets synthetic ADDED events for current objects.</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowWatchBookmarks { get; init; } = true;

    /// <summary>Server-side timeout; null picks a random value between 5 and 10 minutes, as client-go does.</summary>
    public TimeSpan? Timeout { get; init; }
}

public sealed record WriteOptions
{
    public string? FieldManager { get; init; }

    public bool DryRun { get; init; }
}

public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}

public sealed record DeleteOptions
{
    public PropagationPolicy? PropagationPolicy { get; init; }

    /// <summary>Delete only if the object still has this uid.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Delete only if the object still has this resourceVersion.</summary>
    public string? PreconditionResourceVersion { get; init; }

    public long? GracePeriodSeconds { get; init; }

    /// <summary>Ask the server to validate the deletion without performing it.</summary>
    public bool DryRun { get; init; }
}

/// <summary>One watch event (never <see cref="WatchEventType.Error"/>: errors are thrown).</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T Object)
    where T : class, IKubernetesObject<V1ObjectMeta>;
