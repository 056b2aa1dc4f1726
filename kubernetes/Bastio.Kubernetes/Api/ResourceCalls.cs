using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>The query of one list or watch request, in the official client's terms.</summary>
internal sealed record ListQuery(
    string? LabelSelector,
    string? FieldSelector,
    int? Limit = null,
    string? Continue = null,
    string? ResourceVersion = null,
    bool? AllowWatchBookmarks = null,
    int? TimeoutSeconds = null);

/// <summary>
/// The official client's calls for one kind. Every group but the core one is reached through the generic
/// <c>CustomObjects</c> operations (<see cref="CustomObjectCalls{T}"/>); core kinds (served under
/// <c>/api/v1</c>, which those operations cannot address) through their generated per-kind operations
/// (<see cref="CoreCalls{T, TList}"/>).
/// </summary>
internal abstract class ResourceCalls<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public abstract Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken);

    public abstract Task<KubernetesList<T>> ListAsync(string? ns, ListQuery query, CancellationToken cancellationToken);

    /// <summary>The watch as the official client decodes it; ERROR events and decoding failures go to <paramref name="onError"/>.</summary>
    public abstract IAsyncEnumerable<(WatchEventType, T)> WatchAsync(string? ns, ListQuery query, Action<Exception> onError, CancellationToken cancellationToken);

    public abstract Task<T> CreateAsync(string? ns, T obj, WriteOptions? options, CancellationToken cancellationToken);

    public abstract Task<T> ReplaceAsync(string? ns, string name, T obj, bool status, WriteOptions? options, CancellationToken cancellationToken);

    public abstract Task<T> PatchAsync(string? ns, string name, V1Patch patch, bool status, WriteOptions? options, CancellationToken cancellationToken);

    /// <summary>The server's answer to a DELETE: a Status once the object is gone, else the object as it stays.</summary>
    public abstract Task<IKubernetesObject> DeleteAsync(string? ns, string name, V1DeleteOptions options, CancellationToken cancellationToken);

    protected static string? DryRun(WriteOptions? options) => options?.DryRun == true ? "All" : null;
}
