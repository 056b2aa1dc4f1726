namespace Bastio.Kubernetes.Runtime.LeaderElection;

/// <summary>Leader election on a coordination.k8s.io Lease, with client-go's semantics.</summary>
public interface ILeaderElector
{
    /// <summary>This replica's identity, written to <c>spec.holderIdentity</c>.</summary>
    string Identity { get; }

    /// <summary>True between acquiring the lease and losing or releasing it.</summary>
    bool IsLeader { get; }

    /// <summary>
    /// Campaigns until this replica holds the lease, then runs <paramref name="whileLeading"/> with a token
    /// that is cancelled the moment the lease cannot be renewed within the renew deadline, or when
    /// <paramref name="cancellationToken"/> is cancelled. Returns after <paramref name="whileLeading"/> has
    /// finished; on cancellation the lease is released first so another replica takes over at once.
    /// Call again to campaign anew after a loss. Throws <see cref="OperationCanceledException"/> when
    /// cancelled before the lease was acquired.
    /// </summary>
    Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken);
}

/// <summary>Leader election settings; the durations default to client-go's 15s / 10s / 2s.</summary>
public sealed class LeaderElectionOptions
{
    public string LeaseName { get; set; } = "";

    public string LeaseNamespace { get; set; } = "";

    /// <summary>Unique per replica (pod name plus a random suffix by default).</summary>
    public string Identity { get; set; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>How long others wait, after they last saw the lease change, before taking it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that has not renewed for this long stops leading. Must be below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between acquire and renew attempts.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On clean shutdown, give the lease up (empty holder, 1s duration) so a standby takes over fast.</summary>
    public bool ReleaseOnCancel { get; set; } = true;
}
