using Bastio.Core.Metrics;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Events;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.LeaderElection;
using Bastio.Kubernetes.Runtime.Readiness;
using Bastio.Operator.Audit;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.ProviderKeys;
using Bastio.Operator.Controllers.Proxies;
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

namespace Bastio.Operator.Hosting;

/// <summary>
/// One operator process: caches, the five controllers, optional leader election and the admin
/// endpoint. Tests run several of these in-process against the test cluster.
/// </summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    private readonly OperatorOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ControllerHost _controllerHost;
    private readonly IReadOnlyList<Controller> _controllers;
    private readonly EventRecorder _eventRecorder;
    private readonly HttpClient _validationClient;
    private readonly ReadinessTracker _readiness = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _timeProvider;
    private Task _resync = Task.CompletedTask;
    private WebApplication? _admin;
    private long _reconciles;
    private int _inFlight;

    public OperatorHost(IKubernetes client, OperatorOptions options, ILoggerFactory loggerFactory, TextWriter auditOutput, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options;
        _loggerFactory = loggerFactory;
        timeProvider ??= TimeProvider.System;
        _timeProvider = timeProvider;

        Clients = new ResourceClients(client);
        Caches = new OperatorCaches(Clients, options, loggerFactory, timeProvider);
        Metrics = new OperatorMetrics();
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
        var apiKeys = NewController("apikey", WaitsForEncryptionKey("apikey", new ApiKeyReconciler(Clients, Caches, encryptionKeys, new RotationCronJobs(Clients, Caches, options), deliveryGate, recorder, Metrics, options, timeProvider, loggerFactory.CreateLogger<ApiKeyReconciler>())), timeProvider);
        apiKeys.Watch(Caches.ApiKeys);
        apiKeys.Watch(Caches.Proxies, p => Caches.ApiKeys.Store.ByIndex(OperatorCaches.ByProxy, $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Select(ObjectKey.From));
        apiKeys.Watch(Caches.TenantSecrets, s => OwnerApiKey(s));
        apiKeys.Watch(Caches.SystemSecrets, s => OperatorCaches.SourceOf(s, "ApiKey"));
        apiKeys.Watch(Caches.CronJobs, c => OperatorCaches.SourceOf(c, "ApiKey"));
        apiKeys.Watch(Caches.EncryptionKey, _ => Caches.ApiKeys.Store.List().Select(ObjectKey.From));

        var providerKeys = NewController("providerkey", WaitsForEncryptionKey("providerkey", new ProviderKeyReconciler(Clients, Caches, encryptionKeys, new HttpProviderValidator(_validationClient, options), recorder, options, timeProvider)), timeProvider);
        providerKeys.Watch(Caches.ProviderKeys);

        // A key that is replaced follows the migration of the key replacing it.
        providerKeys.Watch(Caches.ProviderKeys, p => p.Spec.Replaces is { Length: > 0 } replaced ? [new ObjectKey(p.Metadata.NamespaceProperty, replaced)] : []);

        // Whether a replaces may take effect depends on its target's Proxy and replaces (ReplacesRule).
        providerKeys.Watch(Caches.ProviderKeys, p => Caches.ProviderKeys.Store.ByIndex(OperatorCaches.ByReplaced, $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Select(ObjectKey.From));
        providerKeys.Watch(Caches.Proxies, p => Caches.ProviderKeys.Store.ByIndex(OperatorCaches.ByProxy, $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Select(ObjectKey.From));
        foreach (var sources in new[] { Caches.TenantSecrets, Caches.SystemUnmanagedSecrets }.OfType<IInformer<V1Secret>>())
        {
            providerKeys.Watch(sources, s => Caches.ProviderKeys.Store.ByIndex(OperatorCaches.BySourceSecret, $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}").Select(ObjectKey.From));
        }

        providerKeys.Watch(Caches.SystemSecrets, s => OperatorCaches.SourceOf(s, "ProviderKey"));
        providerKeys.Watch(Caches.EncryptionKey, _ => Caches.ProviderKeys.Store.List().Select(ObjectKey.From));

        var proxies = NewController("proxy", new ProxyReconciler(Clients, Caches, options, timeProvider), timeProvider);
        proxies.Watch(Caches.Proxies);
        proxies.Watch(Caches.ApiKeys, a => [new ObjectKey(a.Metadata.NamespaceProperty, a.Spec.ProxyRef.Name)]);
        proxies.Watch(Caches.ProviderKeys, p => [new ObjectKey(p.Metadata.NamespaceProperty, p.Spec.ProxyRef.Name)]);

        // The encryption key is needed as soon as any key exists, and re-checked whenever a managed Secret changes.
        var encryption = new EncryptionKeyReconciler(Clients, Caches, _eventRecorder, Metrics, options, loggerFactory.CreateLogger<EncryptionKeyReconciler>());
        var encryptionController = NewController("encryption", encryption, timeProvider);
        encryptionController.Watch(Caches.EncryptionKey, _ => [encryption.Key]);
        encryptionController.Watch(Caches.SystemSecrets, _ => [encryption.Key]);
        encryptionController.Watch(Caches.ApiKeys, _ => [encryption.Key]);
        encryptionController.Watch(Caches.ProviderKeys, _ => [encryption.Key]);

        var sweep = NewController("sweep", new OrphanSweeper(Clients, Caches, options, loggerFactory.CreateLogger<OrphanSweeper>()), timeProvider);
        sweep.Watch(Caches.SystemSecrets, _ => [OrphanSweeper.Key]);
        sweep.Watch(Caches.CronJobs, _ => [OrphanSweeper.Key]);

        _controllers = [apiKeys, providerKeys, proxies, encryptionController, sweep];
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
        _resync = ResyncPeriodicallyAsync(_stopping.Token);
    }

    // Requeue-driven deadlines (expiry, grace periods) survive missed events this way too, as with client-go's resync.
    private async Task ResyncPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                ResyncAll();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reconciles every cached object again (a full resync).</summary>
    public void ResyncAll()
    {
        foreach (var controller in _controllers)
        {
            IEnumerable<ObjectKey> keys = controller.Name switch
            {
                "apikey" => Caches.ApiKeys.Store.List().Select(ObjectKey.From),
                "providerkey" => Caches.ProviderKeys.Store.List().Select(ObjectKey.From),
                "proxy" => Caches.Proxies.Store.List().Select(ObjectKey.From),
                _ => [],
            };
            foreach (var key in keys)
            {
                controller.Enqueue(key);
            }
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
        await _resync.ConfigureAwait(false);
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

    private EncryptionKeyWait WaitsForEncryptionKey(string controller, IReconciler reconciler) =>
        new(reconciler, controller, _loggerFactory.CreateLogger<EncryptionKeyWait>());

    private Controller NewController(string name, IReconciler reconciler, TimeProvider timeProvider) =>
        new(name, new Tracked(reconciler, this), new ControllerOptions { Workers = _options.Workers }, Metrics.Controllers, _loggerFactory.CreateLogger<Controller>(), timeProvider);

    /// <summary>Delivery Secrets map to their ApiKey by the controller owner reference, labels or not.</summary>
    private static IEnumerable<ObjectKey> OwnerApiKey(V1Secret secret) =>
        secret.Metadata.OwnerReferences?
            .Where(o => o.Controller == true && o.Kind == "ApiKey" && o.ApiVersion == BastioResources.ApiVersion)
            .Select(o => new ObjectKey(secret.Metadata.NamespaceProperty, o.Name)) ?? [];

    private async Task StartAdminAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{(_options.AdminAddress == "0.0.0.0" ? "*" : _options.AdminAddress)}:{_options.AdminPort}");
        builder.Services.AddPrometheusMetrics(metrics => metrics.Meters.Add(OperatorMetrics.MeterName));
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
