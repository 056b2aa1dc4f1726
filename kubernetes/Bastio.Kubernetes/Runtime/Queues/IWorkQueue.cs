namespace Bastio.Kubernetes.Runtime.Queues;

/// <summary>
/// A work queue with client-go semantics: an item is pending at most once, is never handed to two
/// workers at once (an item added while it is being processed is re-queued after <see cref="Done"/>),
/// delayed adds keep the earliest due time, and failed items are retried with rate-limited backoff.
/// </summary>
public interface IWorkQueue<TItem>
    where TItem : notnull
{
    /// <summary>Items ready to be handed out (the <c>workqueue_depth</c> metric); delayed items are not counted.</summary>
    int Length { get; }

    bool IsShuttingDown { get; }

    /// <summary>Makes the item pending unless it already is. Ignored after shutdown.</summary>
    void Add(TItem item);

    /// <summary>Adds the item once <paramref name="delay"/> has passed; an earlier pending due time wins.</summary>
    void AddAfter(TItem item, TimeSpan delay);

    /// <summary>Adds the item after the rate limiter's delay for it (one more failure for the item).</summary>
    void AddRateLimited(TItem item);

    /// <summary>Clears the item's failure history: call on success so its next failure starts at the base delay.</summary>
    void Forget(TItem item);

    /// <summary>How many times the item was added via <see cref="AddRateLimited"/> since the last <see cref="Forget"/>.</summary>
    int NumRequeues(TItem item);

    /// <summary>
    /// Waits for the next item and marks it processing; the caller must call <see cref="Done"/> with it.
    /// Returns <c>ShutDown = true</c> once the queue is shut down and empty.
    /// </summary>
    Task<(TItem Item, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends processing of an item; if it was added meanwhile, it becomes pending again.</summary>
    void Done(TItem item);

    /// <summary>Stops accepting items. Pending items are still handed out; then <see cref="GetAsync"/> reports shutdown.</summary>
    void ShutDown();

    /// <summary>Shuts down and waits until every handed-out item is <see cref="Done"/>.</summary>
    Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default);
}
