using Bastio.Core.Metrics;
using Bastio.Crds.Vocabulary;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Events;
using Bastio.Kubernetes.Runtime.LeaderElection;
using Bastio.Kubernetes.Runtime.Readiness;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.ProviderKeys;
using Bastio.Operator.Controllers.Proxies;
using Bastio.Operator.Controllers.RotationSchedules;
using Bastio.Operator.Controllers.Sweep;
using Bastio.Operator.Delivery;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using k8s;

namespace Bastio.Operator.Hosting;

/// <summary>
/// One operator process: caches, the controllers each folder under <c>Controllers/</c> registers, optional
/// leader election and the admin endpoint. Tests run several of these in-process against the test cluster.
/// </summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    private readonly OperatorOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ControllerHost _controllerHost;
    private readonly IReadOnlyList<ControllerRegistration> _registrations;
    private readonly IReadOnlyList<Controller> _controllers;
    private readonly EventRecorder _eventRecorder;
    private readonly HttpClient _validationClient;
    private readonly ReadinessTracker _readiness = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _timeProvider;
    private Task _resyncs = Task.CompletedTask;
    private WebApplication? _admin;
    private long _reconciles;
    private int _inFlight;

    public OperatorHost(IKubernetes client, OperatorOptions options, ILoggerFactory loggerFactory, TextWriter auditOutput, TimeProvider? timeProvider = null, string meterName = OperatorMetrics.MeterName)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options;
        _loggerFactory = loggerFactory;
        timeProvider ??= TimeProvider.System;
        _timeProvider = timeProvider;

        Clients = new ResourceClients(client);
        Caches = new OperatorCaches(Clients, options, loggerFactory, timeProvider);
        Metrics = new OperatorMetrics(meterName);
        Metrics.ObserveApiKeys(Caches.ApiKeys);
        Metrics.ObserveProviderKeys(Caches.ProviderKeys);
        foreach (var informer in Caches.All)
        {
            _readiness.Register(informer);
        }

        _eventRecorder = new EventRecorder(client.Events(), new EventRecorderOptions { Component = "bastio-operator" }, loggerFactory.CreateLogger<EventRecorder>(), timeProvider);
        var recorder = new LifecycleRecorder(_eventRecorder, new JsonLineAuditLog(auditOutput, timeProvider));
        var encryptionKeys = new CachedEncryptionKeys(Caches.EncryptionKey, options);
        _validationClient = new HttpClient(HttpProviderValidator.CreateHandler(options));

        var acknowledgements = new GatewayAcknowledgements(client.Leases(), options.SystemNamespace, timeProvider, loggerFactory);
        var deliveryGate = new KeyDeliveryGate(acknowledgements, Caches.SystemSecrets, options, timeProvider, loggerFactory.CreateLogger<KeyDeliveryGate>());
        var context = new ControllerContext(
            Clients,
            Caches,
            encryptionKeys,
            deliveryGate,
            new HttpProviderValidator(_validationClient, options),
            recorder,
            _eventRecorder,
            Metrics,
            options,
            timeProvider,
            loggerFactory,
            NewController);

        // Each controller folder declares its own watches and resync; the host only assembles them.
        _registrations =
        [
            ApiKeyController.Register(context),
            RotationScheduleController.Register(context),
            ProviderKeyController.Register(context),
            ProxyController.Register(context),
            EncryptionKeyController.Register(context),
            OrphanSweepController.Register(context),
        ];
        _controllers = [.. _registrations.Select(r => r.Controller)];
        ILeaderElector? elector = null;
        if (options.LeaderElect)
        {
            elector = new LeaderElector(client.Leases(), new LeaderElectionOptions { LeaseName = options.LeaseName, LeaseNamespace = options.SystemNamespace }, loggerFactory.CreateLogger<LeaderElector>(), timeProvider);
        }

        LeaderElector = elector;
        // The acknowledgement Leases are synced before any key is delivered, or no replica would be waited for.
        _controllerHost = new ControllerHost(_controllers, [.. Caches.All, acknowledgements.Informer], elector, loggerFactory.CreateLogger<ControllerHost>());
    }

    public ResourceClients Clients { get; }

    public OperatorCaches Caches { get; }

    public OperatorMetrics Metrics { get; }

    public ILeaderElector? LeaderElector { get; }

    public ReadinessTracker Readiness => _readiness;

    /// <summary>The admin endpoint's address once started (with the real port when 0 was asked for).</summary>
    public Uri? AdminUrl { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _controllerHost.StartAsync(cancellationToken).ConfigureAwait(false);
        await StartAdminAsync(cancellationToken).ConfigureAwait(false);
        _resyncs = Task.WhenAll(_registrations.Where(r => r.Resync is not null).Select(r => ResyncPeriodicallyAsync(r.Controller, r.Resync!, _stopping.Token)));
    }

    private async Task ResyncPeriodicallyAsync(Controller controller, ControllerResync resync, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(resync.Period, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Resync(controller, resync);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reconciles every cached object again (a full resync of every controller that has one).</summary>
    public void ResyncAll()
    {
        foreach (var registration in _registrations)
        {
            if (registration.Resync is { } resync)
            {
                Resync(registration.Controller, resync);
            }
        }
    }

    private static void Resync(Controller controller, ControllerResync resync)
    {
        foreach (var key in resync.Keys())
        {
            controller.Enqueue(key);
        }
    }

    /// <summary>Reconciles started by this replica (a standby starts none).</summary>
    public long ReconcileCount => Interlocked.Read(ref _reconciles);

    /// <summary>Reconciles running right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Keys waiting in every controller's queue (0 when idle).</summary>
    public int QueueDepth => _controllers.Sum(c => c.QueueDepth);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _resyncs.ConfigureAwait(false);
        if (_admin is not null)
        {
            await _admin.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await _controllerHost.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _controllerHost.DisposeAsync().ConfigureAwait(false);
        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }

        _eventRecorder.Dispose();
        _stopping.Dispose();
        _validationClient.Dispose();
        Metrics.Dispose();
    }

    private Controller NewController(string name, IReconciler reconciler) =>
        new(name, new Tracked(reconciler, this), new ControllerOptions { Workers = _options.Workers }, Metrics.Controllers, _loggerFactory.CreateLogger<Controller>(), _timeProvider);

    private async Task StartAdminAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{(_options.AdminAddress == "0.0.0.0" ? "*" : _options.AdminAddress)}:{_options.AdminPort}");
        builder.Services.AddPrometheusMetrics("bastio-operator", Metrics.Meter.Name);
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/healthz", () => Results.Text("ok"));

        // A standby with synced caches is ready: it can take over at once.
        app.MapGet("/readyz", () => _readiness.IsReady ? Results.Text("ok") : Results.Text("caches not synced", statusCode: StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        AdminUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        _admin = app;
    }

    /// <summary>Counts reconciles, so tests and benchmarks can tell a busy operator from an idle one.</summary>
    private sealed class Tracked(IReconciler inner, OperatorHost host) : IReconciler
    {
        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref host._reconciles);
            Interlocked.Increment(ref host._inFlight);
            try
            {
                return await inner.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref host._inFlight);
            }
        }
    }
}
