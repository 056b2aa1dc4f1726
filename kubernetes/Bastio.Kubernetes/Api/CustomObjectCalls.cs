using System.Text.Json;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary><see cref="ResourceCalls{T}"/> through the official client's generic <c>CustomObjects</c> operations.</summary>
internal sealed class CustomObjectCalls<T>(IKubernetes client, ResourceType type) : ResourceCalls<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ICustomObjectsOperations _operations = client.CustomObjects;
    private readonly string _group = type.Group.Length > 0 ? type.Group : throw new ArgumentException("Core kinds are not served under /apis.", nameof(type));

    public override Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken) =>
        ns is null
            ? _operations.GetClusterCustomObjectAsync<T>(_group, type.Version, type.Plural, name, cancellationToken)
            : _operations.GetNamespacedCustomObjectAsync<T>(_group, type.Version, ns, type.Plural, name, cancellationToken);

    public override async Task<KubernetesList<T>> ListAsync(string? ns, ListQuery query, CancellationToken cancellationToken)
    {
        using var response = await List(ns, query, watch: null, cancellationToken).ConfigureAwait(false);
        return response.Body;
    }

    // The generic replacement the warning names needs per-kind watch operations, which custom objects lack.
#pragma warning disable CS0618
    public override IAsyncEnumerable<(WatchEventType, T)> WatchAsync(string? ns, ListQuery query, Action<Exception> onError, CancellationToken cancellationToken) =>
        List(ns, query, watch: true, cancellationToken).WatchAsync<T, KubernetesList<T>>(onError, cancellationToken);
#pragma warning restore CS0618

    public override Task<T> CreateAsync(string? ns, T obj, WriteOptions? options, CancellationToken cancellationToken) =>
        ns is null
            ? _operations.CreateClusterCustomObjectAsync<T>(obj, _group, type.Version, type.Plural, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken)
            : _operations.CreateNamespacedCustomObjectAsync<T>(obj, _group, type.Version, ns, type.Plural, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken);

    public override Task<T> ReplaceAsync(string? ns, string name, T obj, bool status, WriteOptions? options, CancellationToken cancellationToken) => (ns, status) switch
    {
        (null, false) => _operations.ReplaceClusterCustomObjectAsync<T>(obj, _group, type.Version, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
        (null, true) => _operations.ReplaceClusterCustomObjectStatusAsync<T>(obj, _group, type.Version, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
        (_, false) => _operations.ReplaceNamespacedCustomObjectAsync<T>(obj, _group, type.Version, ns, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
        (_, true) => _operations.ReplaceNamespacedCustomObjectStatusAsync<T>(obj, _group, type.Version, ns, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
    };

    public override Task<T> PatchAsync(string? ns, string name, V1Patch patch, bool status, WriteOptions? options, CancellationToken cancellationToken) => (ns, status) switch
    {
        (null, false) => _operations.PatchClusterCustomObjectAsync<T>(patch, _group, type.Version, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
        (null, true) => _operations.PatchClusterCustomObjectStatusAsync<T>(patch, _group, type.Version, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
        (_, false) => _operations.PatchNamespacedCustomObjectAsync<T>(patch, _group, type.Version, ns, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
        (_, true) => _operations.PatchNamespacedCustomObjectStatusAsync<T>(patch, _group, type.Version, ns, type.Plural, name, DryRun(options), options?.FieldManager, cancellationToken: cancellationToken),
    };

    public override async Task<IKubernetesObject> DeleteAsync(string? ns, string name, V1DeleteOptions options, CancellationToken cancellationToken)
    {
        // Built-in kinds answer a finished deletion with a Status, which does not decode as T.
        var answer = ns is null
            ? await _operations.DeleteClusterCustomObjectAsync<JsonElement>(_group, type.Version, type.Plural, name, options, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _operations.DeleteNamespacedCustomObjectAsync<JsonElement>(_group, type.Version, ns, type.Plural, name, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        return answer.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status")
            ? KubernetesJson.Deserialize<V1Status>(answer)
            : KubernetesJson.Deserialize<T>(answer);
    }

    private Task<k8s.Autorest.HttpOperationResponse<KubernetesList<T>>> List(string? ns, ListQuery query, bool? watch, CancellationToken cancellationToken) =>
        (ns, type.Namespaced) switch
        {
            (null, false) => _operations.ListClusterCustomObjectWithHttpMessagesAsync<KubernetesList<T>>(
                _group, type.Version, type.Plural, query.AllowWatchBookmarks, query.Continue, query.FieldSelector, query.LabelSelector, query.Limit,
                query.ResourceVersion, timeoutSeconds: query.TimeoutSeconds, watch: watch, cancellationToken: cancellationToken),
            (null, true) => _operations.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<KubernetesList<T>>(
                _group, type.Version, type.Plural, query.AllowWatchBookmarks, query.Continue, query.FieldSelector, query.LabelSelector, query.Limit,
                query.ResourceVersion, timeoutSeconds: query.TimeoutSeconds, watch: watch, cancellationToken: cancellationToken),
            _ => _operations.ListNamespacedCustomObjectWithHttpMessagesAsync<KubernetesList<T>>(
                _group, type.Version, ns, type.Plural, query.AllowWatchBookmarks, query.Continue, query.FieldSelector, query.LabelSelector, query.Limit,
                query.ResourceVersion, timeoutSeconds: query.TimeoutSeconds, watch: watch, cancellationToken: cancellationToken),
        };
}
