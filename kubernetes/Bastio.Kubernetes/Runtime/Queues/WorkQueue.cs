namespace Bastio.Kubernetes.Runtime.Queues;

/// <summary>
/// A work queue with client-go semantics: an item is pending at most once, is never handed to two
/// workers at once (an item added while it is being processed is re-queued after <see cref="Done"/>),
/// delayed adds keep the earliest due time, and failed items are retried with rate-limited backoff.
/// </summary>
/// <remarks>client-go's rate-limiting delaying queue.</remarks>
public sealed class WorkQueue<TItem> : IDisposable
    where TItem : notnull
{
    private readonly IRateLimiter<TItem> _rateLimiter;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();

    // Invariant (as in client-go): an item is in _dirty iff it must be processed again; it is in _queue
    // iff it is dirty and not processing. That gives both dedup and "never two workers on one key".
    private readonly Queue<TItem> _queue = new();
    private readonly HashSet<TItem> _dirty = [];
    private readonly HashSet<TItem> _processing = [];

    // Delayed items: the earliest due time per item; the heap may hold stale (later) entries that are
    // skipped when they surface.
    private readonly Dictionary<TItem, DateTimeOffset> _waiting = [];
    private readonly PriorityQueue<TItem, DateTimeOffset> _waitingHeap = new();
    private readonly ITimer _timer;

    private TaskCompletionSource _changed = NewSignal();
    private bool _shuttingDown;

    public WorkQueue(IRateLimiter<TItem>? rateLimiter = null, TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? RateLimiters.CreateDefault<TItem>(_timeProvider);
        _timer = _timeProvider.CreateTimer(_ => PromoteDueItems(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(TItem item)
    {
        lock (_lock)
        {
            AddLocked(item);
        }
    }

    public void AddAfter(TItem item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            var due = _timeProvider.GetUtcNow() + delay;
            if (_waiting.TryGetValue(item, out var existing) && existing <= due)
            {
                return;
            }

            _waiting[item] = due;
            _waitingHeap.Enqueue(item, due);
            ScheduleTimerLocked();
        }
    }

    public void AddRateLimited(TItem item) => AddAfter(item, _rateLimiter.When(item));

    public void Forget(TItem item) => _rateLimiter.Forget(item);

    public int NumRequeues(TItem item) => _rateLimiter.NumRequeues(item);

    public async Task<(TItem Item, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_queue.TryDequeue(out var item))
                {
                    _processing.Add(item);
                    _dirty.Remove(item);
                    return (item, false);
                }

                if (_shuttingDown)
                {
                    return (default!, true);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Done(TItem item)
    {
        lock (_lock)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item))
            {
                _queue.Enqueue(item);
            }

            SignalLocked();
        }
    }

    public void ShutDown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            _waiting.Clear();
            _waitingHeap.Clear();
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            SignalLocked();
        }
    }

    public async Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        ShutDown();
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_processing.Count == 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(TItem item)
    {
        if (_shuttingDown || !_dirty.Add(item))
        {
            return;
        }

        if (!_processing.Contains(item))
        {
            _queue.Enqueue(item);
            SignalLocked();
        }
    }

    private void PromoteDueItems()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            while (_waitingHeap.TryPeek(out var item, out var due) && due <= now)
            {
                _waitingHeap.Dequeue();
                if (_waiting.TryGetValue(item, out var current) && current == due)
                {
                    _waiting.Remove(item);
                    AddLocked(item);
                }
            }

            ScheduleTimerLocked();
        }
    }

    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);

    private void ScheduleTimerLocked()
    {
        if (_shuttingDown)
        {
            return;
        }

        // Drop stale heap entries first so the timer targets a real due time.
        while (_waitingHeap.TryPeek(out var item, out var due) && (!_waiting.TryGetValue(item, out var current) || current != due))
        {
            _waitingHeap.Dequeue();
        }

        if (_waitingHeap.TryPeek(out _, out var next))
        {
            // Timers refuse due times beyond ~49 days, and reconcilers do ask for that (a key expiring in
            // 90 days); waking up early is harmless because PromoteDueItems re-arms for the real due time.
            var untilDue = next - _timeProvider.GetUtcNow();
            var wait = untilDue < MaxTimerWait ? untilDue : MaxTimerWait;
            _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    // Waiters await the current signal; completing it and swapping in a fresh one wakes them all to
    // re-check state under the lock.
    private void SignalLocked()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
