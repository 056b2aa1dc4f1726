using Bastio.Core.Keys;
using Bastio.Crds;
using Bastio.Gateway.Observability;
using Bastio.Gateway.RateLimiting;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Configuration;

/// <summary>
/// Keeps a <see cref="GatewaySnapshot"/> current from informers on ApiKey, Proxy, ProviderKey (all
/// namespaces) and the system namespace's Secrets. Every change marks the snapshot dirty; one loop
/// rebuilds it after a short quiet period, so a burst of events costs one rebuild while a single
/// revocation is still served within the debounce delay plus one build.
/// </summary>
internal sealed partial class ClusterSnapshotProvider : ISnapshotProvider, IAsyncDisposable
{
    private readonly IInformer<ApiKey> _apiKeys;
    private readonly IInformer<Proxy> _proxies;
    private readonly IInformer<ProviderKey> _providerKeys;
    private readonly IInformer<V1Secret> _secrets;
    private readonly IInformer[] _informers;
    private readonly SnapshotBuilder _builder;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _subscriptions = [];
    private Task _running = Task.CompletedTask;
    private GatewaySnapshot? _current;

    public ClusterSnapshotProvider(
        IKubernetes client,
        string systemNamespace,
        BucketStore buckets,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        IReadOnlySet<KeyEnvironment>? environments = null,
        TimeSpan? debounce = null,
        InformerOptions? informerTemplate = null)
    {
        _time = time;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(50);
        _logger = loggerFactory.CreateLogger<ClusterSnapshotProvider>();
        _builder = new SnapshotBuilder(buckets, loggerFactory.CreateLogger<SnapshotBuilder>(), environments);
        InformerOptions Options(string? ns = null, Action<IKubernetesObject<V1ObjectMeta>>? transform = null)
        {
            var options = new InformerOptions
            {
                Transform = transform,
                WatchdogTimeout = informerTemplate?.WatchdogTimeout ?? new InformerOptions().WatchdogTimeout,
                MinBackoff = informerTemplate?.MinBackoff ?? new InformerOptions().MinBackoff,
                MaxBackoff = informerTemplate?.MaxBackoff ?? new InformerOptions().MaxBackoff,
                MaxReconnectDelay = informerTemplate?.MaxReconnectDelay ?? new InformerOptions().MaxReconnectDelay,
                WatchTimeout = informerTemplate?.WatchTimeout,
            };
            if (ns is not null)
            {
                options.Namespaces.Add(ns);
            }

            return options;
        }

        _apiKeys = new Informer<ApiKey>(client.ApiKeys(),
            Options(transform: CachedObjectTrimming.ApiKey), loggerFactory.CreateLogger<Informer<ApiKey>>(), time);
        _proxies = new Informer<Proxy>(client.Proxies(),
            Options(), loggerFactory.CreateLogger<Informer<Proxy>>(), time);
        _providerKeys = new Informer<ProviderKey>(client.ProviderKeys(),
            Options(), loggerFactory.CreateLogger<Informer<ProviderKey>>(), time);
        _secrets = new Informer<V1Secret>(client.Secrets(),
            Options(systemNamespace, CachedObjectTrimming.Secret), loggerFactory.CreateLogger<Informer<V1Secret>>(), time);
        _informers = [_apiKeys, _proxies, _providerKeys, _secrets];
    }

    public GatewaySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Raised on the rebuild thread after a new snapshot is in service (the acknowledgement Lease follows it).</summary>
    public event Action? SnapshotBuilt;

    public DateTimeOffset? LastConfirmedSync
    {
        get
        {
            if (Current is null)
            {
                return null;
            }

            DateTimeOffset? oldest = null;
            foreach (var informer in _informers)
            {
                if (informer.LastSyncTime is not { } time)
                {
                    return null;
                }

                oldest = oldest is null || time < oldest ? time : oldest;
            }

            return oldest;
        }
    }

    public long WatchRestarts => _informers.Sum(informer => informer.WatchRestarts);

    /// <summary>Starts the watches and the rebuild loop; completes once the first snapshot is live.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var token = _stopping.Token;
        var watches = _informers.Select(informer => Task.Run(() => informer.RunAsync(token), CancellationToken.None)).ToArray();
        _subscriptions.Add(_apiKeys.Subscribe(change =>
        {
            if (change is not { Type: InformerEventType.Updated, OldObject: { } old } || !CachedObjectTrimming.ServesTheSame(old, change.Object))
            {
                MarkDirty();
            }
        }));
        _subscriptions.Add(_proxies.Subscribe(_ => MarkDirty()));
        _subscriptions.Add(_providerKeys.Subscribe(_ => MarkDirty()));
        _subscriptions.Add(_secrets.Subscribe(_ => MarkDirty()));
        var rebuilds = Task.Run(() => RebuildLoopAsync(token), CancellationToken.None);
        _running = Task.WhenAll([.. watches, rebuilds]);
        await Task.WhenAll(_informers.Select(informer => informer.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
        Rebuild();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected way out of every loop.
        }

        _stopping.Dispose();
        _dirty.Dispose();
    }

    private void MarkDirty()
    {
        // One pending signal is enough: the rebuild reads the caches as they are when it runs.
        if (_dirty.CurrentCount == 0)
        {
            try
            {
                _dirty.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another event signalled in between; the pending rebuild covers this one too.
            }
        }
    }

    private async Task RebuildLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _dirty.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_debounce > TimeSpan.Zero)
            {
                await Task.Delay(_debounce, _time, cancellationToken).ConfigureAwait(false);
            }

            if (_informers.All(informer => informer.HasSynced))
            {
                Rebuild();
            }
        }
    }

    private readonly Lock _buildLock = new();

    private void Rebuild()
    {
        // The first build (StartAsync) and the loop may race once; the builder is single-threaded.
        lock (_buildLock)
        {
            try
            {
                var started = _time.GetTimestamp();
                var snapshot = _builder.Build(new ConfigurationObjects(_apiKeys.Store.List(), _proxies.Store.List(), _providerKeys.Store.List(), _secrets.Store.List()));
                Volatile.Write(ref _current, snapshot);
                SnapshotBuilt?.Invoke();
                Log.SnapshotBuilt(_logger, snapshot.KeyCount, snapshot.Proxies.Count, _time.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex)
            {
                // Keep serving the last good snapshot; the next change retries.
                Log.SnapshotFailed(_logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.SnapshotBuilt, LogLevel.Debug, "Configuration snapshot built: {Keys} keys, {Proxies} proxies in {Milliseconds:0.0} ms.")]
        public static partial void SnapshotBuilt(ILogger logger, int keys, int proxies, double milliseconds);

        [LoggerMessage(LogEvents.SnapshotFailed, LogLevel.Error, "Building the configuration snapshot failed; the previous one stays in service.")]
        public static partial void SnapshotFailed(ILogger logger, Exception exception);
    }
}
