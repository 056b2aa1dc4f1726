using Bastio.Kubernetes.TestCluster.Storage;

namespace Bastio.Kubernetes.TestCluster;

/// <summary>Makes the test cluster misbehave the ways a real API server does, on demand.</summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly ResourceStore _store;
    private int _expireWatches;
    private bool _expireInStream;
    private int _failWrites;
    private int _failStatus;
    private TimeSpan? _failRetryAfter;
    private TaskCompletionSource _resumed = CompletedSource();
    private long _latencyTicks;
    private volatile bool _unavailable;
    private CancellationTokenSource _outage = new();

    internal FaultInjector(ResourceStore store) => _store = store;

    /// <summary>Added to every request before it is handled.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>While set, every connection is aborted without an answer (the API server is gone), open watches included.</summary>
    public bool Unavailable
    {
        get => _unavailable;
        set
        {
            lock (_gate)
            {
                _unavailable = value;
                if (value)
                {
                    // Not disposed: a stream may still be registering on the old token.
                    _outage.Cancel();
                    _outage = new CancellationTokenSource();
                }
            }
        }
    }

    /// <summary>Cancelled when the server becomes unavailable, so open streams can abort their connections.</summary>
    internal CancellationToken OutageToken
    {
        get
        {
            lock (_gate)
            {
                return _outage.Token;
            }
        }
    }

    /// <summary>Watch streams open right now, so a test can wait for a client's watch before dropping it.</summary>
    public int OpenWatches => _store.OpenWatchCount;

    /// <summary>Ends every open watch stream now.</summary>
    public void DropWatches() => _store.DropWatches();

    /// <summary>The next <paramref name="count"/> watches get 410 Expired: as the HTTP status, or as an in-stream ERROR event.</summary>
    public void ExpireNextWatches(int count = 1, bool inStream = false)
    {
        lock (_gate)
        {
            _expireWatches = count;
            _expireInStream = inStream;
        }
    }

    /// <summary>Every open watch receives, after the events already sent, an ERROR event with a 410 Expired Status and ends.</summary>
    public void ExpireOpenWatches() => _store.ExpireWatches();

    /// <summary>Forgets the event history: a watch from any version before now gets 410.</summary>
    public void CompactHistory() => _store.CompactHistory();

    /// <summary>The next <paramref name="count"/> writes fail with <paramref name="statusCode"/> (409, 429, 500...).</summary>
    public void FailNextWrites(int count, int statusCode, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _failWrites = count;
            _failStatus = statusCode;
            _failRetryAfter = retryAfter;
        }
    }

    /// <summary>Keeps open streams open but delivers nothing until <see cref="ResumeWatches"/>.</summary>
    public void StallWatches()
    {
        lock (_gate)
        {
            if (_resumed.Task.IsCompleted)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void ResumeWatches()
    {
        lock (_gate)
        {
            _resumed.TrySetResult();
        }
    }

    /// <summary>Completes when watches may deliver (at once unless stalled).</summary>
    internal Task WhenWatchesFlow
    {
        get
        {
            lock (_gate)
            {
                return _resumed.Task;
            }
        }
    }

    /// <summary>Whether this watch should be expired, and how.</summary>
    internal (bool Expire, bool InStream) TakeWatchExpiry()
    {
        lock (_gate)
        {
            if (_expireWatches <= 0)
            {
                return (false, false);
            }

            _expireWatches--;
            return (true, _expireInStream);
        }
    }

    /// <summary>The failure this write should get, if any.</summary>
    internal (int StatusCode, TimeSpan? RetryAfter)? TakeWriteFailure()
    {
        lock (_gate)
        {
            if (_failWrites <= 0)
            {
                return null;
            }

            _failWrites--;
            return (_failStatus, _failRetryAfter);
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
