using System.Collections.Concurrent;
using System.Globalization;
using Bastio.Core;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Delivery;

/// <summary>
/// What the gateway replicas acknowledged, from their Leases in the system namespace
/// (<see cref="WellKnown.GatewayAcknowledgement"/>). A replica counts while its Lease is fresh: changed
/// within its lease duration, as this process observed it (its own clock, as client-go's leader election
/// does, so clock skew between nodes does not matter). A replica that died stops counting once its Lease
/// goes stale; one that stopped cleanly deleted its Lease.
/// </summary>
internal sealed class GatewayAcknowledgements
{
    private static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(15);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Replica> _replicas = new(StringComparer.Ordinal);

    // Replicas that let a wait time out, with the epoch they missed: not waited for again until they
    // acknowledge it, so one stuck replica costs one timeout, not one per delivery.
    private readonly ConcurrentDictionary<string, long> _behind = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GatewayAcknowledgements(IResourceClient<V1Lease> leases, string systemNamespace, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _time = time;
        var options = new InformerOptions { LabelSelector = $"{WellKnown.Labels.Component}={WellKnown.Components.GatewayAcknowledgement}" };
        options.Namespaces.Add(systemNamespace);
        Informer = new Informer<V1Lease>(leases, options, loggerFactory.CreateLogger<Informer<V1Lease>>(), time);
        Informer.Subscribe(Observe);
    }

    /// <summary>Run and synced by the operator's controller host before any key is delivered.</summary>
    public IInformer<V1Lease> Informer { get; }

    /// <summary>The highest epoch any replica ever acknowledged (new epochs start above it).</summary>
    public long HighestAcknowledged => _replicas.Values.Select(replica => replica.Epoch).DefaultIfEmpty().Max();

    /// <summary>
    /// Waits until every fresh replica acknowledged <paramref name="epoch"/>, or <paramref name="timeout"/>
    /// passed. Returns the replicas that had not (empty: all had, or no replica serves at all). A replica
    /// that let an earlier wait time out is not waited for until it acknowledged what it missed.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitAsync(long epoch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var now = _time.GetUtcNow();
            var lagging = _replicas
                .Where(entry => entry.Value.FreshUntil > now && entry.Value.Epoch < epoch && !_behind.ContainsKey(entry.Key))
                .ToList();
            if (lagging.Count == 0)
            {
                return [];
            }

            if (now >= deadline)
            {
                foreach (var (name, _) in lagging)
                {
                    _behind.AddOrUpdate(name, epoch, (_, missed) => Math.Max(missed, epoch));
                }

                return [.. lagging.Select(entry => entry.Key).Order(StringComparer.Ordinal)];
            }

            // Look again when a Lease changes, when the first lagging one goes stale, or at the deadline.
            var wake = lagging.Min(entry => entry.Value.FreshUntil);
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay((wake < deadline ? wake : deadline) - now, _time, delay.Token);
            await Task.WhenAny(changed, timer).ConfigureAwait(false);
            await delay.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void Observe(InformerEvent<V1Lease> change)
    {
        var lease = change.Object;
        var name = lease.Metadata.Name ?? "";
        if (change.Type == InformerEventType.Deleted)
        {
            _replicas.TryRemove(name, out _);
            _behind.TryRemove(name, out _);
        }
        else
        {
            var epoch = lease.Metadata.Annotations?.GetValueOrDefault(WellKnown.GatewayAcknowledgement.EpochAnnotation) is { } text
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            var duration = lease.Spec?.LeaseDurationSeconds is { } seconds && seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultLeaseDuration;
            var version = lease.Metadata.ResourceVersion;

            // A relist hands out unchanged Leases again: only a new resourceVersion (compared for equality
            // only, it is opaque) is a renewal, or a dead replica would look alive after every relist.
            _replicas.AddOrUpdate(
                name,
                _ => new Replica(epoch, version, _time.GetUtcNow() + duration),
                (_, known) => known.ResourceVersion == version ? known : new Replica(epoch, version, _time.GetUtcNow() + duration));
            if (_behind.TryGetValue(name, out var missed) && epoch >= missed)
            {
                _behind.TryRemove(name, out _);
            }
        }

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed record Replica(long Epoch, string? ResourceVersion, DateTimeOffset FreshUntil);
}
