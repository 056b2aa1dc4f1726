using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Kubernetes.Runtime.Readiness;

/// <summary>
/// Ready once every registered informer has synced (<c>/readyz</c>). Not ready while nothing is
/// registered, so a process that forgot to register its caches never claims readiness.
/// </summary>
public sealed class ReadinessTracker
{
    private readonly Lock _lock = new();
    private IInformer[] _informers = [];

    public bool IsReady
    {
        get
        {
            var informers = Volatile.Read(ref _informers);
            return informers.Length > 0 && informers.All(i => i.HasSynced);
        }
    }

    public void Register(IInformer informer)
    {
        ArgumentNullException.ThrowIfNull(informer);
        lock (_lock)
        {
            if (!_informers.Contains(informer))
            {
                _informers = [.. _informers, informer];
            }
        }
    }

    /// <summary>Completes when every informer registered so far has synced.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Volatile.Read(ref _informers).Select(i => i.WaitForSyncAsync(cancellationToken)));
}
