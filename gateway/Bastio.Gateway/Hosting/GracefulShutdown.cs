using Bastio.Gateway.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Hosting;

/// <summary>
/// The gateway's stop sequence, as a pod behind a Service needs it. <c>/readyz</c> fails at once; new
/// connections are still accepted for <see cref="GatewayOptions.ShutdownDelay"/>, because endpoint removal
/// reaches kube-proxy and load balancers only after a moment and until then they keep sending here; then
/// the client listener closes and in-flight requests and streams may finish until
/// <see cref="GatewayOptions.ShutdownTimeout"/> after the signal, when whatever is left is cut.
/// </summary>
internal sealed partial class GracefulShutdown(TimeSpan delay, TimeSpan timeout, TimeProvider time, ILogger<GracefulShutdown> logger)
{
    private int _draining;

    /// <summary>True from the moment the stop was requested: <c>/readyz</c> answers 503.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Runs the sequence on <paramref name="listener"/>; <paramref name="forced"/> skips what is left of it.</summary>
    public async Task RunAsync(WebApplication listener, CancellationToken forced)
    {
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }

        var started = time.GetTimestamp();
        Log.Draining(logger, delay, timeout);
        try
        {
            await Task.Delay(delay, time, forced).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (forced.IsCancellationRequested)
        {
            // A second signal: close the listener now.
        }

        var left = timeout - time.GetElapsedTime(started);
        using var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, forced);
        Log.ListenerClosing(logger);
        await listener.StopAsync(stop.Token).ConfigureAwait(false);
        if (stop.IsCancellationRequested)
        {
            Log.Cut(logger, time.GetElapsedTime(started));
        }
        else
        {
            Log.Stopped(logger, time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Takes the signals away from a listener's host: by default each <see cref="WebApplication"/> handles
    /// SIGTERM and SIGINT itself, only to log "shutting down" and keep serving, since nothing waits on its
    /// lifetime; the process stops through <see cref="ShutdownSignals"/> and this class instead.
    /// </summary>
    public static void LeaveSignalsToTheProcess(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IHostLifetime, ProcessLifetime>();

    private sealed class ProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.Draining, LogLevel.Information, "Shutting down: /readyz answers 503; new connections are accepted for {Delay}, in-flight requests may run until {Timeout} after the signal.")]
        public static partial void Draining(ILogger logger, TimeSpan delay, TimeSpan timeout);

        [LoggerMessage(LogEvents.ListenerClosing, LogLevel.Information, "Client listener closed; waiting for in-flight requests.")]
        public static partial void ListenerClosing(ILogger logger);

        [LoggerMessage(LogEvents.Stopped, LogLevel.Information, "Stopped after {Elapsed}: every in-flight request finished.")]
        public static partial void Stopped(ILogger logger, TimeSpan elapsed);

        [LoggerMessage(LogEvents.StoppedCuttingRequests, LogLevel.Warning, "Stopped after {Elapsed}: in-flight requests still running were cut.")]
        public static partial void Cut(ILogger logger, TimeSpan elapsed);
    }
}
