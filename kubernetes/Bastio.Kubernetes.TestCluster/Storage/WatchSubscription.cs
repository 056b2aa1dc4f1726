using System.Threading.Channels;

namespace Bastio.Kubernetes.TestCluster.Storage;

/// <summary>
/// An open watch: the store writes committed events into <see cref="Events"/> under its lock
/// (never blocking); the HTTP layer drains it outside the lock.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>(
        new UnboundedChannelOptions { SingleReader = true });

    public WatchSubscription(string storageKey, string? ns, Action<WatchSubscription> unsubscribe)
    {
        StorageKey = storageKey;
        Namespace = ns;
        _unsubscribe = unsubscribe;
    }

    public string StorageKey { get; }

    /// <summary>The store version when the watch opened: a safe bookmark before any event arrives.</summary>
    public long StartVersion { get; set; }

    /// <summary>How many synthetic ADDED events (the current state) precede the live changes.</summary>
    public int InitialCount { get; set; }
    public string? Namespace { get; }
    public ChannelReader<WatchEvent> Events => _events.Reader;

    public void Publish(WatchEvent e)
    {
        if (e.StorageKey == StorageKey && (Namespace is null || Namespace == NamespaceOf(e)))
        {
            _events.Writer.TryWrite(e);
        }
    }

    /// <summary>Ends the stream after the events already queued (a dropped connection).</summary>
    public void Complete() => _events.Writer.TryComplete();

    /// <summary>The version the watch was expired at, once the store ended it with 410 Expired instead of closing it.</summary>
    public long? ExpiredAt { get; private set; }

    /// <summary>Ends the stream after the events already queued with an ERROR 410 Expired, as when history is compacted past a watcher.</summary>
    public void Expire(long version)
    {
        ExpiredAt = version;
        _events.Writer.TryComplete();
    }

    public void Dispose()
    {
        _unsubscribe(this);
        _events.Writer.TryComplete();
    }

    private static string? NamespaceOf(WatchEvent e) =>
        (string?)e.Object["metadata"]?["namespace"];
}
