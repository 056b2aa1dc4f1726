namespace Bastio.Kubernetes.Runtime.Queues;

/// <summary>Decides how long a failed item waits before its retry (client-go's <c>TypedRateLimiter</c>).</summary>
public interface IRateLimiter<TItem>
    where TItem : notnull
{
    /// <summary>Records one more failure of the item and returns how long it should wait.</summary>
    TimeSpan When(TItem item);

    /// <summary>Forgets the item's failures.</summary>
    void Forget(TItem item);

    int NumRequeues(TItem item);
}
