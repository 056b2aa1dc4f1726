using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Runtime.Controllers;

/// <summary>Controller settings.</summary>
public sealed class ControllerOptions
{
    /// <summary>Concurrent reconciles; one key is still never reconciled by two workers at once.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Creates the retry rate limiter for each run; null uses <see cref="RateLimiters.CreateDefault{TItem}"/>.</summary>
    public Func<TimeProvider, IRateLimiter<ObjectKey>>? RateLimiter { get; set; }
}

/// <summary>
/// Feeds keys from informers into a work queue and runs a reconciler on them with N workers
/// (controller-runtime's Controller). Configure with <see cref="Watch{T}"/>, then <see cref="RunAsync"/>,
/// usually through a <see cref="ControllerHost"/>.
/// </summary>
public sealed partial class Controller
{
    private readonly IReconciler _reconciler;
    private readonly ControllerOptions _options;
    private readonly ControllerMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly List<IInformer> _informers = [];
    private readonly List<Func<WorkQueue<ObjectKey>, IDisposable>> _sources = [];
    private WorkQueue<ObjectKey>? _queue;
    private int _running;

    public Controller(
        string name,
        IReconciler reconciler,
        ControllerOptions? options = null,
        ControllerMetrics? metrics = null,
        ILogger<Controller>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        Name = name;
        _reconciler = reconciler;
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.Workers);
        _metrics = metrics;
        _logger = logger ?? NullLogger<Controller>.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        metrics?.Track(this);
    }

    public string Name { get; }

    /// <summary>Keys ready to be reconciled now; 0 while not running.</summary>
    public int QueueDepth => Volatile.Read(ref _queue)?.Length ?? 0;

    /// <summary>The informers this controller watches; the host starts them and waits for their sync.</summary>
    public IReadOnlyList<IInformer> Informers => _informers;

    /// <summary>
    /// Enqueues keys for every object the informer reports (on start: every cached object, so objects
    /// that were already being deleted are reconciled too). <paramref name="map"/> turns an object into
    /// the keys to reconcile (e.g. a Secret into its owner's key); default: the object's own key.
    /// </summary>
    public void Watch<T>(IInformer<T> informer, Func<T, IEnumerable<ObjectKey>>? map = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        if (Volatile.Read(ref _running) == 1)
        {
            throw new InvalidOperationException("Watch must be called before the controller runs.");
        }

        map ??= obj => [ObjectKey.From(obj)];
        if (!_informers.Contains(informer))
        {
            _informers.Add(informer);
        }

        _sources.Add(queue => informer.Subscribe(e =>
        {
            foreach (var key in map(e.Object))
            {
                queue.Add(key);
            }
        }));
    }

    /// <summary>Reconciles <paramref name="key"/> soon, if the controller is running.</summary>
    public void Enqueue(ObjectKey key) => Volatile.Read(ref _queue)?.Add(key);

    /// <summary>
    /// Runs the workers until <paramref name="cancellationToken"/> is cancelled, then stops at once:
    /// in-flight reconciles see the cancellation and no further key is started. May run again later
    /// (for example after leadership is re-acquired), starting with a fresh queue.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Controller {Name} is already running.");
        }

        using var queue = new WorkQueue<ObjectKey>(_options.RateLimiter?.Invoke(_timeProvider), _timeProvider);
        Volatile.Write(ref _queue, queue);
        var subscriptions = _sources.Select(source => source(queue)).ToList();
        Log.Started(_logger, Name, _options.Workers);
        try
        {
            var workers = Enumerable.Range(0, _options.Workers)
                .Select(_ => Task.Run(() => WorkAsync(queue, cancellationToken), CancellationToken.None));
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            subscriptions.ForEach(s => s.Dispose());
            queue.ShutDown();
            Volatile.Write(ref _queue, null);
            Volatile.Write(ref _running, 0);
            Log.Stopped(_logger, Name);
        }
    }

    private async Task WorkAsync(WorkQueue<ObjectKey> queue, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ObjectKey key;
            try
            {
                (key, var shutDown) = await queue.GetAsync(cancellationToken).ConfigureAwait(false);
                if (shutDown)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ProcessAsync(queue, key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // A bug around the reconciler (metrics, queue bookkeeping) must not stop the worker:
                // a stopped worker silently leaves every later object unreconciled.
                Log.WorkerFault(_logger, Name, key.ToString(), ex);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    private async Task ProcessAsync(WorkQueue<ObjectKey> queue, ObjectKey key, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        ReconcileResult result;
        try
        {
            result = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false)
                ?? ReconcileResult.Failed(new InvalidOperationException("The reconciler returned no result."));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping (shutdown or lost leadership): the next leader reconciles this key from its own cache.
            return;
        }
        catch (TerminalReconcileException ex)
        {
            result = ReconcileResult.Terminal(ex);
        }
        catch (Exception ex)
        {
            result = ReconcileResult.Failed(ex);
        }

        _metrics?.RecordReconcile(Name, result.Outcome, _timeProvider.GetElapsedTime(started));
        switch (result.Outcome)
        {
            case ReconcileOutcome.Done:
                queue.Forget(key);
                break;
            case ReconcileOutcome.Requeue:
                queue.Forget(key);
                queue.AddAfter(key, result.RequeueAfter);
                break;
            case ReconcileOutcome.Error:
                Log.ReconcileFailed(_logger, Name, key.ToString(), queue.NumRequeues(key) + 1, result.Error);
                queue.AddRateLimited(key);
                break;
            case ReconcileOutcome.TerminalError:
                Log.ReconcileFailedTerminally(_logger, Name, key.ToString(), result.Error);
                queue.Forget(key);
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Controller {Controller} started with {Workers} workers")]
        public static partial void Started(ILogger logger, string controller, int workers);

        [LoggerMessage(2, LogLevel.Information, "Controller {Controller} stopped")]
        public static partial void Stopped(ILogger logger, string controller);

        [LoggerMessage(3, LogLevel.Warning, "Controller {Controller} failed to reconcile {Key} (attempt {Attempt}); retrying with backoff")]
        public static partial void ReconcileFailed(ILogger logger, string controller, string key, int attempt, Exception? exception);

        [LoggerMessage(4, LogLevel.Error, "Controller {Controller} cannot reconcile {Key}; not retrying until it changes")]
        public static partial void ReconcileFailedTerminally(ILogger logger, string controller, string key, Exception? exception);

        [LoggerMessage(5, LogLevel.Error, "Controller {Controller} hit an internal error handling {Key}; retrying with backoff")]
        public static partial void WorkerFault(ILogger logger, string controller, string key, Exception exception);
    }
}
