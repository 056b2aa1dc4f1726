using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Runtime.Informers;

/// <summary>
/// The <see cref="IInformer{T}"/> implementation: one list+watch loop (a "reflector") per namespace in
/// <see cref="InformerOptions.Namespaces"/>, all feeding one store.
/// </summary>
public sealed partial class Informer<T> : IInformer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceClient<T> _client;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly InformerStore<T> _store = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Serialises store changes with handler dispatch so that every handler sees every change once, in order.
    private readonly Lock _dispatchLock = new();
    private Action<InformerEvent<T>>[] _handlers = [];

    private int _running;
    private int _unsyncedScopes;
    private long _lastSyncTicks = long.MinValue;
    private long _watchRestarts;
    private long _relists;

    public Informer(IResourceClient<T> client, InformerOptions? options = null, ILogger<Informer<T>>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new InformerOptions();
        _logger = logger ?? NullLogger<Informer<T>>.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (!client.Type.Namespaced && _options.Namespaces.Count > 0)
        {
            throw new ArgumentException($"{client.Type.QualifiedName} is cluster-scoped: no namespaces may be given.", nameof(options));
        }
    }

    public ResourceType ResourceType => _client.Type;

    public IInformerStore<T> Store => _store;

    public bool HasSynced => _synced.Task.IsCompletedSuccessfully;

    public DateTimeOffset? LastSyncTime
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastSyncTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public long WatchRestarts => Interlocked.Read(ref _watchRestarts);

    public long Relists => Interlocked.Read(ref _relists);

    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    public void AddIndex(string indexName, Func<T, IEnumerable<string>> indexFunc)
    {
        ArgumentNullException.ThrowIfNull(indexFunc);
        _store.AddIndex(indexName, item =>
        {
            // A throwing index function must not corrupt the store or stop the informer: index nothing.
            try
            {
                return [.. indexFunc(item)];
            }
            catch (Exception ex)
            {
                Log.IndexFunctionFailed(_logger, indexName, ObjectKey.From(item).ToString(), ex);
                return [];
            }
        });
    }

    public IDisposable Subscribe(Action<InformerEvent<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatchLock)
        {
            foreach (var item in _store.List())
            {
                Invoke(handler, new InformerEvent<T>(InformerEventType.Added, item));
            }

            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The informer is already running.");
        }

        string?[] scopes = _options.Namespaces.Count == 0 ? [null] : [.. _options.Namespaces.Distinct(StringComparer.Ordinal)];
        _unsyncedScopes = scopes.Length;
        await Task.WhenAll(scopes.Select(ns => Task.Run(() => new Reflector(this, ns).RunAsync(cancellationToken), CancellationToken.None)))
            .ConfigureAwait(false);
    }

    private void MarkContact() => Interlocked.Exchange(ref _lastSyncTicks, _timeProvider.GetUtcNow().UtcTicks);

    private void MarkScopeSynced()
    {
        if (Interlocked.Decrement(ref _unsyncedScopes) == 0)
        {
            _synced.TrySetResult();
            Log.Synced(_logger, _client.Type.QualifiedName, _store.Count);
        }
    }

    private void Apply(WatchEventType type, T item)
    {
        if (!Normalize(item))
        {
            return;
        }

        var key = ObjectKey.From(item);
        lock (_dispatchLock)
        {
            if (type == WatchEventType.Deleted)
            {
                var old = _store.Remove(key);
                Dispatch(new InformerEvent<T>(InformerEventType.Deleted, item, old));
                return;
            }

            var previous = _store.Upsert(key, item);
            Dispatch(previous is null
                ? new InformerEvent<T>(InformerEventType.Added, item)
                : new InformerEvent<T>(InformerEventType.Updated, item, previous));
        }
    }

    /// <summary>
    /// Replaces one scope's contents with a fresh list and emits the difference, so that consumers see
    /// deletions that happened while no watch was open.
    /// </summary>
    private void Replace(string? ns, IList<T> items)
    {
        lock (_dispatchLock)
        {
            var stale = _store.Snapshot(k => ns is null || k.Namespace == ns).ToDictionary(p => p.Key, p => p.Value);
            foreach (var item in items)
            {
                if (!Normalize(item))
                {
                    continue;
                }

                var key = ObjectKey.From(item);
                stale.Remove(key, out var existing);
                if (existing is not null && existing.Metadata.ResourceVersion == item.Metadata.ResourceVersion)
                {
                    continue;
                }

                _store.Upsert(key, item);
                Dispatch(existing is null
                    ? new InformerEvent<T>(InformerEventType.Added, item)
                    : new InformerEvent<T>(InformerEventType.Updated, item, existing));
            }

            foreach (var (key, gone) in stale)
            {
                _store.Remove(key);
                Dispatch(new InformerEvent<T>(InformerEventType.Deleted, gone, gone));
            }
        }
    }

    // List items may arrive without apiVersion/kind; owner references and Events need them. Returns
    // false for a nameless object, which is skipped: failing on it would replay it forever.
    private bool Normalize(T item)
    {
        if (string.IsNullOrEmpty(item.Metadata?.Name))
        {
            Log.NamelessObject(_logger, _client.Type.QualifiedName);
            return false;
        }

        item.ApiVersion ??= _client.Type.ApiVersion;
        item.Kind ??= _client.Type.Kind;
        if (_options.StripManagedFields)
        {
            item.Metadata.ManagedFields = null;
        }

        if (_options.InternStrings)
        {
            ObjectInterning.Intern(item, _options.Strings);
        }

        _options.Transform?.Invoke(item);
        return true;
    }

    private void Dispatch(InformerEvent<T> e)
    {
        foreach (var handler in _handlers)
        {
            Invoke(handler, e);
        }
    }

    private void Invoke(Action<InformerEvent<T>> handler, InformerEvent<T> e)
    {
        try
        {
            handler(e);
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, _client.Type.QualifiedName, ex);
        }
    }

    private void Unsubscribe(Action<InformerEvent<T>> handler)
    {
        lock (_dispatchLock)
        {
            _handlers = [.. _handlers.Where(h => h != handler)];
        }
    }

    private sealed class Subscription(Informer<T> informer, Action<InformerEvent<T>> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                informer.Unsubscribe(handler);
            }
        }
    }

    /// <summary>The list+watch loop for one namespace (or all).</summary>
    private sealed class Reflector(Informer<T> informer, string? ns)
    {
        private readonly InformerOptions _options = informer._options;
        private readonly ILogger _logger = informer._logger;
        private readonly string _scope = $"{informer._client.Type.QualifiedName} in {ns ?? "all namespaces"}";
        private string? _resourceVersion;
        private bool _listedOnce;
        private bool _goneWithoutProgress;
        private int _failures;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (_resourceVersion is null)
                    {
                        await ListAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await WatchAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (GoneException)
                {
                    // Our version fell out of the server's history: only a relist can resynchronise. Relist at
                    // once, unless the watch after the previous relist expired too: then back off, not spin.
                    Log.Gone(_logger, _scope);
                    _resourceVersion = null;
                    Interlocked.Increment(ref informer._relists);
                    Interlocked.Increment(ref informer._watchRestarts);
                    if (_goneWithoutProgress)
                    {
                        await DelayAsync(NextBackoff(), cancellationToken).ConfigureAwait(false);
                    }

                    _goneWithoutProgress = true;
                }
                catch (Exception ex)
                {
                    var delay = IsUnreachable(ex) ? NextReconnectDelay() : NextBackoff();
                    Log.WatchFailed(_logger, _scope, delay, ex);
                    Interlocked.Increment(ref informer._watchRestarts);
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task ListAsync(CancellationToken cancellationToken)
        {
            var list = await informer._client.ListAllAsync(
                ns,
                new ListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector, Limit = _options.PageSize },
                cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(list.Metadata.ResourceVersion))
            {
                throw new InvalidOperationException($"The list of {_scope} carried no resourceVersion.");
            }

            informer.Replace(ns, list.Items);
            _resourceVersion = list.Metadata.ResourceVersion;
            _failures = 0;
            informer.MarkContact();
            Log.Listed(_logger, _scope, list.Items.Count, _resourceVersion);
            if (!_listedOnce)
            {
                _listedOnce = true;
                informer.MarkScopeSynced();
            }
        }

        private async Task WatchAsync(CancellationToken cancellationToken)
        {
            using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watchdogFired = false;
            using var watchdog = informer._timeProvider.CreateTimer(
                _ =>
                {
                    watchdogFired = true;
                    try
                    {
                        watchCts.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The watch ended while the timer fired; an exception on a timer thread would end the process.
                    }
                },
                null,
                _options.WatchdogTimeout,
                Timeout.InfiniteTimeSpan);

            var options = new WatchOptions
            {
                ResourceVersion = _resourceVersion,
                LabelSelector = _options.LabelSelector,
                FieldSelector = _options.FieldSelector,
                AllowWatchBookmarks = true,
                Timeout = _options.WatchTimeout,
            };

            var received = false;
            try
            {
                await foreach (var e in informer._client.WatchAsync(ns, options, watchCts.Token).ConfigureAwait(false))
                {
                    received = true;
                    _goneWithoutProgress = false;
                    watchdog.Change(_options.WatchdogTimeout, Timeout.InfiniteTimeSpan);
                    informer.MarkContact();
                    _failures = 0;
                    if (e.Type != WatchEventType.Bookmark)
                    {
                        informer.Apply(e.Type, e.Object);
                    }

                    // Bookmarks carry only a version; both kinds advance the point a resumed watch starts from.
                    if (!string.IsNullOrEmpty(e.Object.Metadata.ResourceVersion))
                    {
                        _resourceVersion = e.Object.Metadata.ResourceVersion;
                    }
                }
            }
            catch (Exception) when (watchdogFired && !cancellationToken.IsCancellationRequested)
            {
                Log.WatchdogFired(_logger, _scope, _options.WatchdogTimeout);
                Interlocked.Increment(ref informer._watchRestarts);
                return;
            }

            // The server ended the stream (timeout or drop): that was contact; resume from where we are.
            informer.MarkContact();
            Interlocked.Increment(ref informer._watchRestarts);
            Log.WatchEnded(_logger, _scope, _resourceVersion);

            // A server that ends every watch at once would otherwise be hammered in a tight loop.
            if (!received)
            {
                await DelayAsync(NextBackoff(), cancellationToken).ConfigureAwait(false);
            }
        }

        // Cancellation during a delay just ends the loop's current iteration; the loop condition stops it.
        private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(delay, informer._timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private TimeSpan NextBackoff() =>
            Backoff.Exponential(_failures++, _options.MinBackoff, _options.MaxBackoff, jitter: 1.0, Random.Shared);

        // Half the cap before the up-to-100% jitter, so the delay never exceeds it.
        private TimeSpan NextReconnectDelay()
        {
            var cap = _options.MaxReconnectDelay / 2;
            return Backoff.Exponential(_failures++, cap < _options.MinBackoff ? cap : _options.MinBackoff, cap < _options.MaxBackoff ? cap : _options.MaxBackoff, jitter: 1.0, Random.Shared);
        }

        // No answer at all, as opposed to an error status the server sent: a refused, reset or timed-out connection.
        private static bool IsUnreachable(Exception ex) =>
            ex is HttpRequestException { StatusCode: null } or IOException or TimeoutException or TaskCanceledException;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Informer for {Resource} synced with {Count} objects")]
        public static partial void Synced(ILogger logger, string resource, int count);

        [LoggerMessage(2, LogLevel.Debug, "Listed {Scope}: {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string scope, int count, string resourceVersion);

        [LoggerMessage(3, LogLevel.Information, "Watch of {Scope} expired (410 Gone); relisting")]
        public static partial void Gone(ILogger logger, string scope);

        [LoggerMessage(4, LogLevel.Warning, "List/watch of {Scope} failed; retrying in {Delay}")]
        public static partial void WatchFailed(ILogger logger, string scope, TimeSpan delay, Exception exception);

        [LoggerMessage(5, LogLevel.Warning, "Watch of {Scope} was silent for {Timeout}; restarting it")]
        public static partial void WatchdogFired(ILogger logger, string scope, TimeSpan timeout);

        [LoggerMessage(6, LogLevel.Debug, "Watch of {Scope} ended; resuming from resourceVersion {ResourceVersion}")]
        public static partial void WatchEnded(ILogger logger, string scope, string? resourceVersion);

        [LoggerMessage(7, LogLevel.Error, "An informer handler for {Resource} threw")]
        public static partial void HandlerFailed(ILogger logger, string resource, Exception exception);

        [LoggerMessage(8, LogLevel.Error, "Index function '{Index}' threw for {Key}; the object is not indexed there")]
        public static partial void IndexFunctionFailed(ILogger logger, string index, string key, Exception exception);

        [LoggerMessage(9, LogLevel.Warning, "Ignored a {Resource} object without metadata.name")]
        public static partial void NamelessObject(ILogger logger, string resource);
    }
}
