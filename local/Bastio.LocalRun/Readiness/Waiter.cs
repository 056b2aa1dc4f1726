using Bastio.LocalRun.Processes;

namespace Bastio.LocalRun.Readiness;

/// <summary>Polls a readiness probe with a deadline, failing at once when a process it depends on exits.</summary>
internal sealed class Waiter(TimeProvider timeProvider, TimeSpan timeout, IReadOnlyCollection<ChildProcess> running)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Waits until <paramref name="probe"/> returns a value; exceptions from the probe count as "not yet".</summary>
    public async Task<T> UntilAsync<T>(string what, string component, Func<CancellationToken, Task<T?>> probe, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = timeProvider.GetUtcNow() + timeout;
        Exception? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (running.FirstOrDefault(child => child.Exited.IsCompleted) is { } exited)
            {
                throw new StartupException($"{exited.Name} exited (code {exited.Exited.Result}) while waiting for {what}", exited.Name);
            }

            try
            {
                if (await probe(cancellationToken) is { } result)
                {
                    return result;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = exception;
            }

            if (timeProvider.GetUtcNow() >= deadline)
            {
                var reason = lastError is null ? "" : $" (last error: {lastError.Message})";
                throw new StartupException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}{reason}", component, lastError);
            }

            await Task.Delay(Interval, timeProvider, cancellationToken);
        }
    }
}
