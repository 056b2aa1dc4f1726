using System.Globalization;
using System.Text;
using Bastio.Core;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Observability;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Acknowledgement;

/// <summary>
/// Keeps this replica's acknowledgement Lease (<see cref="WellKnown.GatewayAcknowledgement"/>) in the
/// system namespace: written as soon as a snapshot with a higher verifier epoch is served, renewed every
/// third of its duration while the replica serves, deleted when it stops. One small write per change
/// per replica, however many keys rotate: the epoch is one number for the whole installation. A replica
/// that does not serve (not synced, or its watches stale) does not renew: it refuses every request anyway,
/// so deliveries stop waiting for it once its Lease is stale.
/// </summary>
internal sealed partial class VerifierAcknowledgementPublisher : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly IResourceClient<V1Lease> _leases;
    private readonly ClusterSnapshotProvider _snapshots;
    private readonly Func<GatewaySnapshot?> _served;
    private readonly string _namespace;
    private readonly string _replica;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private V1Lease? _lease;

    /// <param name="served">The snapshot requests are served from right now, or null while the replica refuses them all.</param>
    public VerifierAcknowledgementPublisher(IResourceClient<V1Lease> leases, ClusterSnapshotProvider snapshots, Func<GatewaySnapshot?> served, string systemNamespace, string replica, TimeSpan duration, TimeProvider time, ILogger<VerifierAcknowledgementPublisher> logger)
    {
        _leases = leases;
        _snapshots = snapshots;
        _served = served;
        _namespace = systemNamespace;
        _replica = replica;
        _duration = duration;
        _time = time;
        _logger = logger;
        LeaseName = NameFor(replica);
    }

    public string LeaseName { get; }

    /// <summary>The Lease name of a replica: the prefix and the replica name reduced to what a Kubernetes name may hold.</summary>
    public static string NameFor(string replica)
    {
        var name = new StringBuilder(WellKnown.GatewayAcknowledgement.NamePrefix);
        foreach (var c in replica.ToLowerInvariant())
        {
            name.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' ? c : '-');
        }

        return name.ToString(0, Math.Min(name.Length, 253)).TrimEnd('-', '.');
    }

    public void Start()
    {
        _snapshots.SnapshotBuilt += OnSnapshotBuilt;
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _snapshots.SnapshotBuilt -= OnSnapshotBuilt;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);

        // A replica that stops must not make deliveries wait for its Lease to go stale.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _leases.DeleteAsync(_namespace, LeaseName, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or OperationCanceledException)
        {
            Log.DeleteFailed(_logger, LeaseName, ex.GetType().Name);
        }

        _stopping.Dispose();
        _changed.Dispose();
    }

    private void OnSnapshotBuilt()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: the pending write reads the newest snapshot.
            }
            catch (ObjectDisposedException)
            {
                // Stopping.
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var renewEvery = _duration / 3;
        long? written = null;
        var writtenAt = DateTimeOffset.MinValue;
        var retryDelay = FirstRetryDelay;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_served() is { } snapshot && (snapshot.VerifierEpoch != written || _time.GetUtcNow() - writtenAt >= renewEvery))
                {
                    try
                    {
                        await WriteAsync(snapshot.VerifierEpoch, cancellationToken).ConfigureAwait(false);
                        written = snapshot.VerifierEpoch;
                        writtenAt = _time.GetUtcNow();
                        retryDelay = FirstRetryDelay;
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
                    {
                        // Deliveries wait (bounded by the operator's timeout) until a write succeeds. Backing off up
                        // to the renewal interval, whatever changes meanwhile: a refused write (RBAC) must not flood
                        // the log or the API server.
                        Log.WriteFailed(_logger, LeaseName, ex.GetType().Name);
                        _lease = null;
                        await Task.Delay(retryDelay, _time, cancellationToken).ConfigureAwait(false);
                        retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, renewEvery.Ticks));
                        continue;
                    }
                }

                await _changed.WaitAsync(renewEvery, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task WriteAsync(long epoch, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var lease = _lease ?? await _leases.TryGetAsync(_namespace, LeaseName, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            lease = new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta
                {
                    Name = LeaseName,
                    NamespaceProperty = _namespace,
                    Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [WellKnown.Labels.Component] = WellKnown.Components.GatewayAcknowledgement },
                    Annotations = new Dictionary<string, string>(),
                },
                Spec = new V1LeaseSpec { HolderIdentity = _replica, AcquireTime = now },
            };
        }

        lease.Metadata.Annotations ??= new Dictionary<string, string>();
        lease.Metadata.Annotations[WellKnown.GatewayAcknowledgement.EpochAnnotation] = epoch.ToString(CultureInfo.InvariantCulture);
        lease.Spec ??= new V1LeaseSpec { HolderIdentity = _replica, AcquireTime = now };
        lease.Spec.LeaseDurationSeconds = (int)Math.Ceiling(_duration.TotalSeconds);
        lease.Spec.RenewTime = now;
        _lease = lease.Metadata.ResourceVersion is null
            ? await _leases.CreateAsync(lease, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _leases.ReplaceAsync(lease, cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.Acknowledged(_logger, epoch);
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.Acknowledged, LogLevel.Debug, "Acknowledged verifier epoch {Epoch}.")]
        public static partial void Acknowledged(ILogger logger, long epoch);

        [LoggerMessage(LogEvents.AcknowledgementWriteFailed, LogLevel.Warning, "Writing the acknowledgement Lease {Lease} failed ({Error}); retrying.")]
        public static partial void WriteFailed(ILogger logger, string lease, string error);

        [LoggerMessage(LogEvents.AcknowledgementDeleteFailed, LogLevel.Warning, "Deleting the acknowledgement Lease {Lease} failed ({Error}); the operator stops counting it once it is stale.")]
        public static partial void DeleteFailed(ILogger logger, string lease, string error);
    }
}
