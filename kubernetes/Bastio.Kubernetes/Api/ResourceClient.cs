using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// The <see cref="IResourceClient{T}"/> implementation: argument checks, paging, type metadata, delete
/// semantics and error translation around one kind's <see cref="ResourceCalls{T}"/>.
/// </summary>
internal sealed class ResourceClient<T>(ResourceType type, ResourceCalls<T> calls) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public ResourceType Type => type;

    public Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default) =>
        CallAsync(() => calls.GetAsync(RequireScope(ns), RequireName(name), cancellationToken));

    public async Task<T?> TryGetAsync(string? ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(ns, name, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public async Task<KubernetesList<T>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = new ListQuery(options?.LabelSelector, options?.FieldSelector, options?.Limit, options?.Continue, options?.ResourceVersion);
        var list = await Translated(calls.ListAsync(CollectionScope(ns), query, cancellationToken)).ConfigureAwait(false);
        list.Metadata ??= new V1ListMeta();
        list.Items ??= [];

        // Servers may omit kind and apiVersion on list items; callers building owner references need them.
        foreach (var item in list.Items)
        {
            FillTypeMeta(item);
        }

        return list;
    }

    public async Task<KubernetesList<T>> ListAllAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var first = await ListAsync(ns, options, cancellationToken).ConfigureAwait(false);
        var items = new List<T>(first.Items);
        var page = first;
        while (!string.IsNullOrEmpty(page.Metadata.ContinueProperty))
        {
            try
            {
                // The continue token pins the snapshot; the server refuses a resourceVersion alongside it.
                page = await ListAsync(ns, (options ?? new ListOptions()) with { Continue = page.Metadata.ContinueProperty, ResourceVersion = null }, cancellationToken).ConfigureAwait(false);
            }
            catch (GoneException)
            {
                // The token outlived the server's history: like client-go's pager, fall back to one full list.
                return await ListAsync(ns, (options ?? new ListOptions()) with { Limit = null, Continue = null }, cancellationToken).ConfigureAwait(false);
            }

            items.AddRange(page.Items);
        }

        first.Items = items;
        first.Metadata.ContinueProperty = null;
        first.Metadata.RemainingItemCount = null;
        return first;
    }

    public Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        FillTypeMeta(obj);
        return CallAsync(() => calls.CreateAsync(RequireScope(obj.Metadata?.NamespaceProperty), obj, options, cancellationToken));
    }

    public Task<T> ReplaceAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        ReplaceAsync(obj, status: false, options, cancellationToken);

    public Task<T> ReplaceStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        ReplaceAsync(obj, status: true, options, cancellationToken);

    public Task<T> PatchAsync(string? ns, string name, PatchType patchType, string patchJson, bool status = false, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patchJson);
        var patch = new V1Patch(patchJson, patchType switch
        {
            PatchType.Merge => V1Patch.PatchType.MergePatch,
            PatchType.Json => V1Patch.PatchType.JsonPatch,
            PatchType.StrategicMerge => V1Patch.PatchType.StrategicMergePatch,
            _ => throw new ArgumentOutOfRangeException(nameof(patchType), patchType, "Unknown patch type."),
        });
        return CallAsync(() => calls.PatchAsync(RequireScope(ns), RequireName(name), patch, status, options, cancellationToken));
    }

    public async Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ns = RequireScope(ns);
        name = RequireName(name);
        var answer = await Translated(calls.DeleteAsync(ns, name, DeleteBody(options), cancellationToken)).ConfigureAwait(false);

        // A finished deletion is answered with a Status (core kinds) or the object's final state (custom
        // resources); only a deletionTimestamp with something still holding it means "still there".
        if (answer.Kind == "Status")
        {
            return null;
        }

        var obj = answer as T ?? await TryGetAsync(ns, name, cancellationToken).ConfigureAwait(false);
        var held = obj?.Metadata?.Finalizers is { Count: > 0 } || obj?.Metadata?.DeletionGracePeriodSeconds is > 0;
        return obj?.Metadata?.DeletionTimestamp is not null && held ? obj : null;
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Spread over 5-10 minutes as client-go does, so that many watchers do not all reconnect together.
        var timeout = options.Timeout ?? TimeSpan.FromSeconds(Random.Shared.Next(300, 601));
        var query = new ListQuery(
            options.LabelSelector,
            options.FieldSelector,
            ResourceVersion: options.ResourceVersion,
            AllowWatchBookmarks: options.AllowWatchBookmarks ? true : null,
            TimeoutSeconds: (int)Math.Ceiling(timeout.TotalSeconds));

        // The official client reports an in-stream ERROR event (and an undecodable line) to a callback and
        // reads on; the server ends the stream after an ERROR, so the first one is thrown once it does.
        Exception? streamError = null;
        var events = calls.WatchAsync(CollectionScope(ns), query, e => streamError ??= e, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var delivered = false;
        await using (events.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (ApiErrors.Translate(e) is { } translated)
                {
                    throw translated;
                }
                catch (Exception e) when (delivered && e is IOException or HttpRequestException { InnerException: IOException })
                {
                    // The server (or something between) dropped a stream that had delivered events: like the end
                    // of the stream, the caller resumes from its last version. Before any event the failure is
                    // thrown, so that callers can tell an unreachable server from a quiet one.
                    more = false;
                }

                if (streamError is not null)
                {
                    throw (Exception?)ApiErrors.Translate(streamError) ?? new InvalidDataException($"The watch on {type.QualifiedName} sent an unreadable event: {streamError.Message}", streamError);
                }

                if (!more)
                {
                    yield break;
                }

                var (eventType, obj) = events.Current;
                if (obj is null)
                {
                    throw new InvalidDataException($"The watch on {type.QualifiedName} sent an event without an object.");
                }

                FillTypeMeta(obj);
                delivered = true;
                yield return new WatchEvent<T>(eventType, obj);
            }
        }
    }

    private Task<T> ReplaceAsync(T obj, bool status, WriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        FillTypeMeta(obj);
        return CallAsync(() => calls.ReplaceAsync(RequireScope(obj.Metadata?.NamespaceProperty), RequireName(obj.Metadata?.Name), obj, status, options, cancellationToken));
    }

    private async Task<T> CallAsync(Func<Task<T>> call)
    {
        var obj = await Translated(call()).ConfigureAwait(false);
        FillTypeMeta(obj);
        return obj;
    }

    private static async Task<TResult> Translated<TResult>(Task<TResult> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (ApiErrors.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    private void FillTypeMeta(T obj)
    {
        obj.ApiVersion ??= type.ApiVersion;
        obj.Kind ??= type.Kind;
    }

    private static V1DeleteOptions DeleteBody(DeleteOptions? options) => new()
    {
        ApiVersion = "v1",
        Kind = "DeleteOptions",
        PropagationPolicy = options?.PropagationPolicy?.ToString(),
        GracePeriodSeconds = options?.GracePeriodSeconds,
        Preconditions = options?.PreconditionUid is null && options?.PreconditionResourceVersion is null
            ? null
            : new V1Preconditions { Uid = options.PreconditionUid, ResourceVersion = options.PreconditionResourceVersion },
        DryRun = options?.DryRun == true ? ["All"] : null,
    };

    private string? CollectionScope(string? ns) =>
        !type.Namespaced && ns is not null
            ? throw new ArgumentException($"{type.QualifiedName} is cluster-scoped: pass no namespace.", nameof(ns))
            : ns;

    private string? RequireScope(string? ns)
    {
        if (!type.Namespaced)
        {
            return CollectionScope(ns);
        }

        return string.IsNullOrEmpty(ns)
            ? throw new ArgumentException($"{type.QualifiedName} is namespaced: a namespace is required.", nameof(ns))
            : Segment(ns, "namespace");
    }

    private static string RequireName(string? name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("An object name is required.", nameof(name)) : Segment(name, "name");

    // The official client escapes path segments, but "." and ".." would still walk to another path.
    private static string Segment(string value, string what) =>
        value is "." or ".." || value.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException($"'{value}' is not a valid {what}.", what)
            : value;
}
