namespace Bastio.Kubernetes.Runtime.Controllers;

/// <summary>
/// Brings the world in line with one object's desired state. Called with a key, never with an event:
/// read the current object from an informer store (it may be gone). Must be idempotent. The token is
/// cancelled on shutdown and the moment leadership is lost.
/// </summary>
public interface IReconciler
{
    /// <summary>
    /// Returns what should happen next. A thrown exception counts as <see cref="ReconcileResult.Error"/>;
    /// a thrown <see cref="TerminalReconcileException"/> as <see cref="ReconcileResult.Terminal"/>.
    /// </summary>
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}

public enum ReconcileOutcome
{
    /// <summary>Converged; the key's failure history is forgotten.</summary>
    Done,

    /// <summary>Converged for now; reconcile again after <see cref="ReconcileResult.RequeueAfter"/> (rotation schedules, expiry).</summary>
    Requeue,

    /// <summary>A transient failure: retried with per-key exponential backoff.</summary>
    Error,

    /// <summary>A failure retrying cannot fix (invalid spec): logged, not retried until the object changes.</summary>
    TerminalError,
}

/// <summary>The outcome of one reconcile.</summary>
public sealed record ReconcileResult
{
    private ReconcileResult(ReconcileOutcome outcome, TimeSpan requeueAfter, Exception? error)
    {
        Outcome = outcome;
        RequeueAfter = requeueAfter;
        Error = error;
    }

    public static ReconcileResult Done { get; } = new(ReconcileOutcome.Done, TimeSpan.Zero, null);

    public ReconcileOutcome Outcome { get; }

    public TimeSpan RequeueAfter { get; }

    public Exception? Error { get; }

    public static ReconcileResult Requeue(TimeSpan after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        return new(ReconcileOutcome.Requeue, after, null);
    }

    public static ReconcileResult Failed(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(ReconcileOutcome.Error, TimeSpan.Zero, error);
    }

    public static ReconcileResult Terminal(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(ReconcileOutcome.TerminalError, TimeSpan.Zero, error);
    }
}

/// <summary>Thrown by a reconciler for a failure that retrying cannot fix.</summary>
public sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException()
    {
    }

    public TerminalReconcileException(string message)
        : base(message)
    {
    }

    public TerminalReconcileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
