using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// <see cref="ResourceCalls{T}"/> for a core kind, from its generated per-kind operations. <c>List</c>
/// serves both lists and watches (<c>watch=true</c>), as the generated list operations do.
/// </summary>
internal sealed class CoreCalls<T, TList> : ResourceCalls<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>, IKubernetesObject
{
    public required Func<string?, string, CancellationToken, Task<T>> Read { get; init; }

    public required Func<string?, ListQuery, bool?, CancellationToken, Task<HttpOperationResponse<TList>>> List { get; init; }

    public required Func<string?, T, string?, string?, CancellationToken, Task<T>> Create { get; init; }

    public required Func<string?, string, T, string?, string?, CancellationToken, Task<T>> Replace { get; init; }

    public required Func<string?, string, V1Patch, string?, string?, CancellationToken, Task<T>> Patch { get; init; }

    public required Func<string?, string, V1DeleteOptions, CancellationToken, Task<V1Status>> Delete { get; init; }

    public override Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken) => Read(ns, name, cancellationToken);

    public override async Task<KubernetesList<T>> ListAsync(string? ns, ListQuery query, CancellationToken cancellationToken)
    {
        using var response = await List(ns, query, null, cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new KubernetesList<T>(list.Items, list.ApiVersion, list.Kind, list.Metadata);
    }

    // The generic replacement the warning names needs per-kind watch operations, which custom objects lack.
#pragma warning disable CS0618
    public override IAsyncEnumerable<(WatchEventType, T)> WatchAsync(string? ns, ListQuery query, Action<Exception> onError, CancellationToken cancellationToken) =>
        List(ns, query, true, cancellationToken).WatchAsync<T, TList>(onError, cancellationToken);
#pragma warning restore CS0618

    public override Task<T> CreateAsync(string? ns, T obj, WriteOptions? options, CancellationToken cancellationToken) =>
        Create(ns, obj, DryRun(options), options?.FieldManager, cancellationToken);

    public override Task<T> ReplaceAsync(string? ns, string name, T obj, bool status, WriteOptions? options, CancellationToken cancellationToken) =>
        status
            ? throw new NotSupportedException("The runtime writes no status of core kinds.")
            : Replace(ns, name, obj, DryRun(options), options?.FieldManager, cancellationToken);

    public override Task<T> PatchAsync(string? ns, string name, V1Patch patch, bool status, WriteOptions? options, CancellationToken cancellationToken) =>
        status
            ? throw new NotSupportedException("The runtime writes no status of core kinds.")
            : Patch(ns, name, patch, DryRun(options), options?.FieldManager, cancellationToken);

    public override async Task<IKubernetesObject> DeleteAsync(string? ns, string name, V1DeleteOptions options, CancellationToken cancellationToken) =>
        await Delete(ns, name, options, cancellationToken).ConfigureAwait(false);
}
