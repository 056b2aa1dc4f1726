using System.Runtime.CompilerServices;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Runtime;

/// <summary>
/// Wraps a client so one replica can be cut off from the API server while others still reach it
/// (the test cluster's own faults hit every client at once). Can also present a different resource type.
/// </summary>
internal sealed class PartitionableResourceClient<T>(IResourceClient<T> inner, ResourceType? type = null) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private volatile bool _partitioned;

    public bool Partitioned
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    public ResourceType Type => type ?? inner.Type;

    public Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default) => Reach().GetAsync(ns, name, cancellationToken);

    public Task<T?> TryGetAsync(string? ns, string name, CancellationToken cancellationToken = default) => Reach().TryGetAsync(ns, name, cancellationToken);

    public Task<KubernetesList<T>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default) => Reach().ListAsync(ns, options, cancellationToken);

    public Task<KubernetesList<T>> ListAllAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default) => Reach().ListAllAsync(ns, options, cancellationToken);

    public Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => Reach().CreateAsync(obj, options, cancellationToken);

    public Task<T> ReplaceAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => Reach().ReplaceAsync(obj, options, cancellationToken);

    public Task<T> ReplaceStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => Reach().ReplaceStatusAsync(obj, options, cancellationToken);

    public Task<T> PatchAsync(string? ns, string name, PatchType patchType, string patchJson, bool status = false, WriteOptions? options = null, CancellationToken cancellationToken = default)
        => Reach().PatchAsync(ns, name, patchType, patchJson, status, options, cancellationToken);

    public Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default) => Reach().DeleteAsync(ns, name, options, cancellationToken);

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in Reach().WatchAsync(ns, options, cancellationToken))
        {
            yield return e;
        }
    }

    private IResourceClient<T> Reach() =>
        _partitioned ? throw new HttpRequestException("network partition (test)") : inner;
}
