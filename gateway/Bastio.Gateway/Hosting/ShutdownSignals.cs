using System.Runtime.InteropServices;

namespace Bastio.Gateway.Hosting;

/// <summary>
/// SIGTERM (how Kubernetes stops a pod) and SIGINT (Ctrl-C) as a request to stop gracefully; a second
/// signal forces the stop. The process handles both itself: the runtime's default action would exit
/// without draining, and a listener's own host lifetime would stop nothing (see <see cref="GracefulShutdown"/>).
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _forced = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public ShutdownSignals()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal)];
    }

    /// <summary>Completes at the first signal.</summary>
    public Task Requested => _requested.Task;

    /// <summary>Cancelled at the second signal: stop waiting for in-flight requests.</summary>
    public CancellationToken Forced => _forced.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _forced.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) == 1)
        {
            _requested.TrySetResult();
        }
        else
        {
            _forced.Cancel();
        }
    }
}
