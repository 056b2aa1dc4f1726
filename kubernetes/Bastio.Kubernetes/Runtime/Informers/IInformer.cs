using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Informers;

/// <summary>The kind-independent view of an informer: sync state and health counters (readiness, metrics).</summary>
public interface IInformer
{
    ResourceType ResourceType { get; }

    /// <summary>True once the initial list of every watched namespace has been loaded into the store.</summary>
    bool HasSynced { get; }

    /// <summary>Completes when <see cref="HasSynced"/> turns true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Last confirmed contact with the API server: a successful list, any watch event or bookmark, or a
    /// watch the server ended cleanly. Null before the first. Consumers that must fail closed (the gateway)
    /// compare it with their staleness limit.
    /// </summary>
    DateTimeOffset? LastSyncTime { get; }

    /// <summary>Watches re-established after the previous one ended for any reason (drop, error, watchdog, 410).</summary>
    long WatchRestarts { get; }

    /// <summary>Full relists after the initial one (each 410 Gone causes one).</summary>
    long Relists { get; }

    /// <summary>Lists, then watches and keeps the store current until cancelled. Call once.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A cache of one kind kept current by list + watch (client-go's SharedIndexInformer).
/// Objects handed out are shared with the cache: treat them as read-only and copy before changing.
/// </summary>
public interface IInformer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    IInformerStore<T> Store { get; }

    /// <summary>
    /// Registers a handler. It first receives <see cref="InformerEventType.Added"/> for every object
    /// already cached, then every change, in order. Handlers run on the informer's thread: keep them
    /// short (typically: enqueue a key). Exceptions are logged and swallowed. Dispose to unsubscribe.
    /// </summary>
    IDisposable Subscribe(Action<InformerEvent<T>> handler);

    /// <summary>
    /// Adds a named index (e.g. "ApiKeys by proxy") queried with <see cref="IInformerStore{T}.ByIndex"/>.
    /// The function returns the index values of an object (none, one or several) and must be pure.
    /// </summary>
    void AddIndex(string indexName, Func<T, IEnumerable<string>> indexFunc);
}

/// <summary>A thread-safe read view of an informer's cache.</summary>
public interface IInformerStore<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    int Count { get; }

    /// <summary><paramref name="ns"/> is null for cluster-scoped kinds.</summary>
    T? Get(string? ns, string name);

    T? Get(ObjectKey key);

    IReadOnlyList<T> List();

    /// <summary>Objects whose index function returned <paramref name="value"/>; throws for an unknown index.</summary>
    IReadOnlyList<T> ByIndex(string indexName, string value);
}

public enum InformerEventType
{
    Added,
    Updated,
    Deleted,
}

/// <summary>A change seen by an informer. <see cref="OldObject"/> is set for updates.</summary>
public sealed record InformerEvent<T>(InformerEventType Type, T Object, T? OldObject = null)
    where T : class, IKubernetesObject<V1ObjectMeta>;

/// <summary>Informer settings. Defaults follow client-go's reflector.</summary>
public sealed class InformerOptions
{
    /// <summary>Namespaces to watch, one watch each. Empty: all namespaces (or a cluster-scoped kind).</summary>
    public IList<string> Namespaces { get; } = [];

    public string? LabelSelector { get; set; }

    public string? FieldSelector { get; set; }

    /// <summary>Drop <c>metadata.managedFields</c> before caching: it is large and controllers never read it.</summary>
    public bool StripManagedFields { get; set; } = true;

    /// <summary>
    /// Pool the strings cached objects repeat (type and object metadata, Secret data keys) through
    /// <see cref="Strings"/>: thousands of cached Secrets then share one copy of each label key.
    /// </summary>
    public bool InternStrings { get; set; } = true;

    /// <summary>The pool for <see cref="InternStrings"/>; informers of one process share one by default.</summary>
    public StringPool Strings { get; set; } = StringPool.Shared;

    /// <summary>
    /// Applied to each decoded object before it is cached or handed to handlers, after managed fields are
    /// stripped and strings pooled (client-go's transform): drop or pool what this process never reads.
    /// It may change the object in place; it must not keep a reference to it.
    /// </summary>
    public Action<IKubernetesObject<V1ObjectMeta>>? Transform { get; set; }

    /// <summary>Page size of the (re)list.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// A watch that delivers nothing (not even a bookmark) for this long is assumed dead and restarted
    /// from the last seen version. Keep it above the server's bookmark interval.
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables the watchdog.
    /// </summary>
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Server-side watch timeout; null lets the client pick 5–10 minutes at random.</summary>
    public TimeSpan? WatchTimeout { get; set; }

    /// <summary>First retry delay after an error; doubles up to <see cref="MaxBackoff"/>, with up to 100% jitter added.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait, jitter included, between attempts while the API server cannot be reached at all
    /// (connection refused, reset or timed out). Such an attempt costs the server nothing, and backing off
    /// up to <see cref="MaxBackoff"/> through an outage would leave the cache that long behind once the
    /// server is back. Errors the server answers (429, 5xx: it is up but struggling) keep the full backoff.
    /// </summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);
}
