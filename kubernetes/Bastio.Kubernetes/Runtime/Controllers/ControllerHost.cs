using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Runtime.Controllers;

/// <summary>
/// Runs informers and controllers as one <see cref="IHostedService"/>. Informers run on every replica so
/// standbys keep warm caches; controllers start once the caches have synced and, with a leader elector,
/// only while this replica leads: losing the lease cancels every in-flight reconcile at once, and the
/// replica then campaigns again.
/// </summary>
public sealed partial class ControllerHost : IHostedService, IAsyncDisposable
{
    private readonly IReadOnlyList<Controller> _controllers;
    private readonly IReadOnlyList<IInformer> _informers;
    private readonly ILeaderElector? _leaderElector;
    private readonly ILogger _logger;
    private CancellationTokenSource? _stopping;
    private Task _running = Task.CompletedTask;

    /// <param name="controllers">The controllers; their informers are started too.</param>
    /// <param name="informers">Further informers to run (for example caches that only feed lookups).</param>
    /// <param name="leaderElector">Null: controllers run on this replica unconditionally.</param>
    public ControllerHost(IEnumerable<Controller> controllers, IEnumerable<IInformer>? informers = null, ILeaderElector? leaderElector = null, ILogger<ControllerHost>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(controllers);
        _controllers = [.. controllers];
        _informers = [.. _controllers.SelectMany(c => c.Informers).Concat(informers ?? []).Distinct()];
        _leaderElector = leaderElector;
        _logger = logger ?? NullLogger<ControllerHost>.Instance;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null)
        {
            throw new InvalidOperationException("The host was already started.");
        }

        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        var informers = _informers.Select(i => i.RunAsync(token)).ToList();
        _running = Task.WhenAll(informers.Append(RunControllersAsync(token)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null)
        {
            return;
        }

        // Stopping twice (StopAsync, then DisposeAsync) is normal for hosted services.
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping?.Dispose();
    }

    private async Task RunControllersAsync(CancellationToken stopping)
    {
        try
        {
            await Task.WhenAll(_informers.Select(i => i.WaitForSyncAsync(stopping))).ConfigureAwait(false);
            // A host of caches only (the gateway) has nothing to lead.
            if (_leaderElector is null || _controllers.Count == 0)
            {
                await RunAllAsync(stopping).ConfigureAwait(false);
                return;
            }

            while (!stopping.IsCancellationRequested)
            {
                await _leaderElector.RunAsync(RunAllAsync, stopping).ConfigureAwait(false);
                if (!stopping.IsCancellationRequested)
                {
                    Log.LeadershipLost(_logger, _leaderElector.Identity);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private Task RunAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_controllers.Select(c => c.RunAsync(cancellationToken)));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{Identity} stopped reconciling after losing leadership; campaigning again")]
        public static partial void LeadershipLost(ILogger logger, string identity);
    }
}
