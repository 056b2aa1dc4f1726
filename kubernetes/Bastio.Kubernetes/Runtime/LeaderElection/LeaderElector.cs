using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Runtime.LeaderElection;

/// <summary>
/// The <see cref="ILeaderElector"/> implementation. Expiry is judged by the local time at which this
/// replica last saw the lease record change, never by comparing the holder's timestamps with our clock,
/// so clock skew between nodes cannot cause two leaders.
/// </summary>
public sealed partial class LeaderElector : ILeaderElector
{
    private readonly IResourceClient<V1Lease> _leases;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    private V1LeaseSpec? _observedSpec;
    private long _observedTimestamp;
    private volatile bool _isLeader;

    public LeaderElector(IResourceClient<V1Lease> leases, LeaderElectionOptions options, ILogger<LeaderElector>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(options.LeaseNamespace);
        ArgumentException.ThrowIfNullOrEmpty(options.Identity);
        if (options.RenewDeadline >= options.LeaseDuration)
        {
            throw new ArgumentException("RenewDeadline must be shorter than LeaseDuration.", nameof(options));
        }

        if (options.RetryPeriod <= TimeSpan.Zero || options.RetryPeriod >= options.RenewDeadline)
        {
            throw new ArgumentException("RetryPeriod must be positive and shorter than RenewDeadline.", nameof(options));
        }

        _leases = leases;
        _options = options;
        _logger = logger ?? NullLogger<LeaderElector>.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Identity => _options.Identity;

    public bool IsLeader => _isLeader;

    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        await AcquireAsync(cancellationToken).ConfigureAwait(false);

        using var leadingCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var leading = Task.Run(() => whileLeading(leadingCts.Token), CancellationToken.None);
        using var renewCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAsync(renewCts.Token);
        await Task.WhenAny(leading, renewing).ConfigureAwait(false);

        // Lost, cancelled, or the work ended by itself: in every case stop the work before anything else.
        _isLeader = false;
        await leadingCts.CancelAsync().ConfigureAwait(false);
        await renewCts.CancelAsync().ConfigureAwait(false);
        try
        {
            await leading.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (leadingCts.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.LeadingWorkFailed(_logger, _options.LeaseName, ex);
        }

        var stillHeld = await renewing.ConfigureAwait(false);
        if (stillHeld && _options.ReleaseOnCancel)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        Log.Campaigning(_logger, _options.Identity, _options.LeaseNamespace, _options.LeaseName);
        while (true)
        {
            try
            {
                if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
                {
                    _isLeader = true;
                    Log.Acquired(_logger, _options.Identity, _options.LeaseName);
                    return;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.AttemptFailed(_logger, _options.LeaseName, ex);
            }

            // client-go's JitterUntil with factor 1.2 keeps replicas from retrying in lockstep.
            var delay = Backoff.Exponential(0, _options.RetryPeriod, _options.RetryPeriod, jitter: 1.2, Random.Shared);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Renews every retry period. Returns true if still holding the lease when stopped, false once lost.</summary>
    private async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var lastRenew = _timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                await Task.Delay(_options.RetryPeriod, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return true;
            }

            var remaining = _options.RenewDeadline - _timeProvider.GetElapsedTime(lastRenew);
            if (remaining > TimeSpan.Zero)
            {
                // A hung request must not keep us "leading" past the deadline.
                using var deadline = new CancellationTokenSource(remaining, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                try
                {
                    if (await TryAcquireOrRenewAsync(linked.Token).ConfigureAwait(false))
                    {
                        lastRenew = _timeProvider.GetTimestamp();
                        continue;
                    }

                    if (_observedSpec?.HolderIdentity is { Length: > 0 } holder && holder != _options.Identity)
                    {
                        Log.Lost(_logger, _options.Identity, _options.LeaseName, $"taken over by {holder}");
                        return false;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return true;
                }
                catch (Exception ex)
                {
                    Log.AttemptFailed(_logger, _options.LeaseName, ex);
                }
            }

            if (_timeProvider.GetElapsedTime(lastRenew) >= _options.RenewDeadline)
            {
                Log.Lost(_logger, _options.Identity, _options.LeaseName, $"not renewed within {_options.RenewDeadline}");
                return false;
            }
        }
    }

    /// <summary>One attempt, as client-go's <c>tryAcquireOrRenew</c>. False when another replica holds a live lease or wins a race.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var lease = await _leases.TryGetAsync(_options.LeaseNamespace, _options.LeaseName, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            var created = new V1Lease
            {
                ApiVersion = _leases.Type.ApiVersion,
                Kind = _leases.Type.Kind,
                Metadata = new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _options.LeaseNamespace },
                Spec = NewSpec(now, now, transitions: 0),
            };
            try
            {
                Observe((await _leases.CreateAsync(created, cancellationToken: cancellationToken).ConfigureAwait(false)).Spec);
                return true;
            }
            catch (AlreadyExistsException)
            {
                return false;
            }
        }

        // A Lease someone created without a spec is free to take.
        lease.Spec ??= new V1LeaseSpec();
        Observe(lease.Spec);
        var holder = lease.Spec.HolderIdentity;
        var mine = holder == _options.Identity;
        if (!string.IsNullOrEmpty(holder) && !mine && !ObservedExpired(lease.Spec))
        {
            return false;
        }

        var transitions = lease.Spec.LeaseTransitions ?? 0;
        lease.Spec = mine
            ? NewSpec(lease.Spec.AcquireTime ?? now, now, transitions)
            : NewSpec(now, now, transitions + 1);
        try
        {
            Observe((await _leases.ReplaceAsync(lease, cancellationToken: cancellationToken).ConfigureAwait(false)).Spec);
            return true;
        }
        catch (ConflictException)
        {
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        // Shutdown is already under way: bound the release instead of inheriting the cancelled token.
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _timeProvider);
        try
        {
            var lease = await _leases.TryGetAsync(_options.LeaseNamespace, _options.LeaseName, timeout.Token).ConfigureAwait(false);
            if (lease is null || lease.Spec?.HolderIdentity != _options.Identity)
            {
                return;
            }

            var now = _timeProvider.GetUtcNow().UtcDateTime;
            lease.Spec = new V1LeaseSpec
            {
                HolderIdentity = "",
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaseTransitions = lease.Spec?.LeaseTransitions,
            };
            await _leases.ReplaceAsync(lease, cancellationToken: timeout.Token).ConfigureAwait(false);
            Log.Released(_logger, _options.Identity, _options.LeaseName);
        }
        catch (Exception ex)
        {
            Log.ReleaseFailed(_logger, _options.LeaseName, ex);
        }
    }

    private V1LeaseSpec NewSpec(DateTime acquireTime, DateTime renewTime, int transitions) => new()
    {
        HolderIdentity = _options.Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds),
        AcquireTime = acquireTime,
        RenewTime = renewTime,
        LeaseTransitions = transitions,
    };

    private void Observe(V1LeaseSpec spec)
    {
        if (_observedSpec is null || !SameRecord(_observedSpec, spec))
        {
            _observedSpec = spec;
            _observedTimestamp = _timeProvider.GetTimestamp();
        }
    }

    private bool ObservedExpired(V1LeaseSpec spec)
    {
        var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0);
        return _timeProvider.GetElapsedTime(_observedTimestamp) > duration;
    }

    private static bool SameRecord(V1LeaseSpec a, V1LeaseSpec b) =>
        a.HolderIdentity == b.HolderIdentity
        && a.LeaseDurationSeconds == b.LeaseDurationSeconds
        && a.AcquireTime == b.AcquireTime
        && a.RenewTime == b.RenewTime
        && a.LeaseTransitions == b.LeaseTransitions;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Identity} campaigning for lease {Namespace}/{Lease}")]
        public static partial void Campaigning(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(2, LogLevel.Information, "{Identity} acquired lease {Lease}")]
        public static partial void Acquired(ILogger logger, string identity, string lease);

        [LoggerMessage(3, LogLevel.Warning, "{Identity} lost lease {Lease}: {Reason}")]
        public static partial void Lost(ILogger logger, string identity, string lease, string reason);

        [LoggerMessage(4, LogLevel.Information, "{Identity} released lease {Lease}")]
        public static partial void Released(ILogger logger, string identity, string lease);

        [LoggerMessage(5, LogLevel.Warning, "Acquiring or renewing lease {Lease} failed")]
        public static partial void AttemptFailed(ILogger logger, string lease, Exception exception);

        [LoggerMessage(6, LogLevel.Warning, "Releasing lease {Lease} failed; others take over once it expires")]
        public static partial void ReleaseFailed(ILogger logger, string lease, Exception exception);

        [LoggerMessage(7, LogLevel.Error, "The work run while leading lease {Lease} failed")]
        public static partial void LeadingWorkFailed(ILogger logger, string lease, Exception exception);
    }
}
