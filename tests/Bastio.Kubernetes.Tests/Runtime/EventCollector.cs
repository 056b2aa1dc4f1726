using System.Threading.Channels;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Kubernetes.Tests.Runtime;

/// <summary>Records an informer's events and lets a test wait for one, with a deadline.</summary>
internal sealed class EventCollector<T> : IDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Channel<InformerEvent<T>> _events = Channel.CreateUnbounded<InformerEvent<T>>();
    private readonly IDisposable _subscription;

    public EventCollector(IInformer<T> informer) => _subscription = informer.Subscribe(e => _events.Writer.TryWrite(e));

    /// <summary>Skips events until one matches; fails after the deadline.</summary>
    public async Task<InformerEvent<T>> WaitForAsync(InformerEventType type, string name, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(cts.Token);
                if (e.Type == type && e.Object.Metadata.Name == name)
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {type} event for '{name}' arrived.");
        }
    }

    /// <summary>Everything received so far, without waiting.</summary>
    public List<InformerEvent<T>> Drain()
    {
        var list = new List<InformerEvent<T>>();
        while (_events.Reader.TryRead(out var e))
        {
            list.Add(e);
        }

        return list;
    }

    public void Dispose() => _subscription.Dispose();
}
