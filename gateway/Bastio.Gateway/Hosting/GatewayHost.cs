using System.Net;
using Bastio.Core.Keys;
using Bastio.Core.Metrics;
using Bastio.Core.Networking;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Acknowledgement;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.Observability;
using Bastio.Gateway.Pipeline;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Usage;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Informers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Bastio.Gateway.Hosting;

/// <summary>
/// The gateway as a startable object: the client listener, the admin listener and the configuration
/// watches. <c>Program</c> runs one until Ctrl-C; tests and benchmarks start several in-process.
/// </summary>
public sealed partial class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _gateway;
    private readonly WebApplication _admin;
    private readonly IDisposable[] _owned;
    private readonly ClusterSnapshotProvider _cluster;
    private readonly VerifierAcknowledgementPublisher _acknowledgements;
    private readonly AccessLog _accessLog;
    private readonly CancellationTokenSource _stopping = new();
    private Task _syncing = Task.CompletedTask;

    private GatewayHost(WebApplication gateway, WebApplication admin, ClusterSnapshotProvider cluster, VerifierAcknowledgementPublisher acknowledgements, AccessLog accessLog, IDisposable[] owned)
    {
        _gateway = gateway;
        _admin = admin;
        _cluster = cluster;
        _acknowledgements = acknowledgements;
        _accessLog = accessLog;
        _owned = owned;
    }

    /// <summary>Client base address, e.g. <c>http://127.0.0.1:18080</c>; SDKs use <see cref="Url"/> + <c>/v1</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    /// <summary>The configuration the gateway serves from.</summary>
    internal ISnapshotProvider Snapshots { get; private set; } = null!;

    /// <summary>
    /// Starts listening right away (answering <c>gateway_not_ready</c> and <c>/readyz</c> 503 until the
    /// first sync), and starts the watches in the background. <paramref name="configureServices"/> replaces
    /// the gateway's default services, as in-process hosts and tests do: a <see cref="TimeProvider"/>, extra
    /// <see cref="ILoggerProvider"/>s, <see cref="InformerOptions"/>, and the keyed services of <see cref="GatewayServiceKeys"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (bad CIDR, unknown environment).</exception>
    /// <exception cref="KubeConfigException">No usable Kubernetes configuration.</exception>
    public static async Task<GatewayHost> StartAsync(GatewayOptions options, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trusted = options.TrustedProxies.Count == 0 ? null
            : IpAllowList.TryParse(options.TrustedProxies, out var list, out var invalid) ? list
            : throw new ArgumentException($"--trusted-proxies: '{invalid}' is not an IP address or CIDR.", nameof(options));
        var environments = ParseEnvironments(options.Environments);
        var hostServices = HostServices(configureServices);
        var time = hostServices.GetRequiredService<TimeProvider>();
        var meterName = hostServices.GetRequiredKeyedService<string>(GatewayServiceKeys.MeterName);
        var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(options.MinimumLogLevel);
            PerRequestDiagnostics.Silence(logging, options.MinimumLogLevel);
            logging.AddJsonConsole();
            foreach (var provider in hostServices.GetServices<ILoggerProvider>())
            {
                logging.AddProvider(provider);
            }
        });

        var buckets = new BucketStore(time);
        var client = KubernetesConnection.CreateClient(KubernetesConnection.LoadConfiguration(options.Kubeconfig, options.Context), logger: loggerFactory.CreateLogger(typeof(KubernetesConnection)), timeProvider: time);
        var cluster = new ClusterSnapshotProvider(client, options.SystemNamespace, buckets, loggerFactory, time, environments, options.RebuildDelay, hostServices.GetService<InformerOptions>());
        var metrics = new GatewayMetrics(meterName, cluster, time);
        var accessLog = new AccessLog(hostServices.GetRequiredKeyedService<TextWriter>(GatewayServiceKeys.AccessLog), time);
        var listeners = new OwnListeners();
        var upstreams = new UpstreamClients(new UpstreamConnector(options.UpstreamAddresses, listeners.Contains), options.UpstreamTrust);
        var usage = new UsageStore();
        var (enforcer, limitsOwned) = await LimitsSetup.CreateAsync(options, meterName, client, loggerFactory, time).ConfigureAwait(false);

        var gatewayBuilder = WebApplication.CreateSlimBuilder();
        ConfigureServer(gatewayBuilder, options.Address, options.Port, loggerFactory);
        ConfigureClientLimits(gatewayBuilder, options);
        gatewayBuilder.Services.AddHttpForwarder();
        gatewayBuilder.Services.AddSingleton(options);
        gatewayBuilder.Services.AddSingleton(time);
        gatewayBuilder.Services.AddSingleton<ISnapshotProvider>(cluster);
        gatewayBuilder.Services.AddSingleton<RequestAuthorizer>();
        gatewayBuilder.Services.AddSingleton(new ClientIpResolver(trusted));
        gatewayBuilder.Services.AddSingleton(new LoopGuard());
        gatewayBuilder.Services.AddSingleton<ProviderTransformer>();
        gatewayBuilder.Services.AddSingleton(upstreams);
        gatewayBuilder.Services.AddSingleton(usage);
        gatewayBuilder.Services.AddSingleton(enforcer);
        gatewayBuilder.Services.AddSingleton(metrics);
        gatewayBuilder.Services.AddSingleton(accessLog);
        gatewayBuilder.Services.AddSingleton<GatewayRequestHandler>();
        var gateway = gatewayBuilder.Build();
        var handler = gateway.Services.GetRequiredService<GatewayRequestHandler>();
        var acknowledgements = new VerifierAcknowledgementPublisher(client.Leases(), cluster, () => handler.IsServing(out var served) ? served : null, options.SystemNamespace, options.ReplicaName, options.AcknowledgementLeaseDuration, time, loggerFactory.CreateLogger<VerifierAcknowledgementPublisher>());
        gateway.Run(handler.InvokeAsync);

        var adminBuilder = WebApplication.CreateSlimBuilder();
        ConfigureServer(adminBuilder, options.Address, options.AdminPort, loggerFactory);
        adminBuilder.Services.AddRouting();
        adminBuilder.Services.AddPrometheusMetrics("bastio-gateway", meterName);
        var admin = adminBuilder.Build();
        admin.MapPrometheusScrapingEndpoint();
        admin.MapGet("/healthz", () => Results.Text("ok\n"));
        var shutdown = new GracefulShutdown(options.ShutdownDelay, options.ShutdownTimeout, time, loggerFactory.CreateLogger<GracefulShutdown>());
        admin.MapGet("/readyz", () => shutdown.IsDraining ? Results.Text("shutting down\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : !handler.IsServing(out _) ? Results.Text("configuration not synced\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : !enforcer.IsReady ? Results.Text("rate-limit store unreachable (--store-failure=deny)\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));

        var host = new GatewayHost(gateway, admin, cluster, acknowledgements, accessLog, [metrics, upstreams, .. limitsOwned, loggerFactory, client, hostServices])
        {
            Snapshots = cluster,
            Shutdown = shutdown,
        };
        await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        await admin.StartAsync(cancellationToken).ConfigureAwait(false);
        host.Url = BoundAddress(gateway, options.Address);
        host.AdminUrl = BoundAddress(admin, options.Address);

        // Every bound address, including endpoints Kestrel configuration added (the chart's HTTPS port).
        foreach (var url in gateway.Urls.Concat(admin.Urls))
        {
            listeners.Add(url);
        }

        var logger = loggerFactory.CreateLogger<GatewayHost>();
        host._syncing = Task.Run(() => host.SyncAsync(cluster, logger), CancellationToken.None);
        acknowledgements.Start();

        return host;
    }

    /// <summary>The stop sequence <see cref="ShutdownAsync"/> runs.</summary>
    private GracefulShutdown Shutdown { get; init; } = null!;

    /// <summary>
    /// Stops gracefully, as on SIGTERM: <c>/readyz</c> 503 at once, the client listener closed after
    /// <see cref="GatewayOptions.ShutdownDelay"/>, in-flight requests finished or cut at <see cref="GatewayOptions.ShutdownTimeout"/>.
    /// <paramref name="forced"/> skips the waits. The admin listener stays up until <see cref="DisposeAsync"/>.
    /// </summary>
    public Task ShutdownAsync(CancellationToken forced = default) => Shutdown.RunAsync(_gateway, forced);

    /// <summary>Completes when the gateway serves its first synced snapshot.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        while (Snapshots.Current is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _gateway.StopAsync().ConfigureAwait(false);
        await _admin.StopAsync().ConfigureAwait(false);
        await _acknowledgements.DisposeAsync().ConfigureAwait(false);
        await _cluster.DisposeAsync().ConfigureAwait(false);

        await _syncing.ConfigureAwait(false);
        await _gateway.DisposeAsync().ConfigureAwait(false);
        await _admin.DisposeAsync().ConfigureAwait(false);
        await _accessLog.DisposeAsync().ConfigureAwait(false);
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _stopping.Dispose();
    }

    /// <summary>The services a host may replace, with the defaults of a gateway run by <c>Program</c>.</summary>
    private static ServiceProvider HostServices(Action<IServiceCollection>? configureServices)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(GatewayServiceKeys.AccessLog, Console.Out);
        services.AddKeyedSingleton(GatewayServiceKeys.MeterName, GatewayMetrics.DefaultMeterName);
        configureServices?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Accepts <c>production</c>/<c>staging</c>/<c>development</c> and the key segments <c>live</c>/<c>test</c>/<c>dev</c>.</summary>
    internal static IReadOnlySet<KeyEnvironment>? ParseEnvironments(IEnumerable<string> names)
    {
        var environments = new HashSet<KeyEnvironment>();
        foreach (var name in names)
        {
            KeyEnvironment environment = name switch
            {
                "live" => KeyEnvironment.Live,
                "test" => KeyEnvironment.Test,
                "dev" => KeyEnvironment.Dev,
                _ when name is { Length: > 0 } && ProxyEnvironments.TryParse(name, out var parsed) => parsed,
                _ => throw new ArgumentException($"--environments: '{name}' is not production, staging, development, live, test or dev.", nameof(names)),
            };
            environments.Add(environment);
        }

        return environments.Count == 0 ? null : environments;
    }

    private async Task SyncAsync(ClusterSnapshotProvider cluster, ILogger logger)
    {
        try
        {
            await cluster.StartAsync(_stopping.Token).ConfigureAwait(false);
            Log.Synced(logger, cluster.Current?.KeyCount ?? 0);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped before the first sync.
        }
    }

    private static void ConfigureServer(WebApplicationBuilder builder, string address, int port, ILoggerFactory loggerFactory)
    {
        builder.Logging.ClearProviders();
        GracefulShutdown.LeaveSignalsToTheProcess(builder);
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(address), port, listen => listen.Protocols = HttpProtocols.Http1);
        });
    }

    private static void ConfigureClientLimits(WebApplicationBuilder builder, GatewayOptions options)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections > 0 ? options.MaxConnections : null;
            kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
        });

        // The host's own limit (30 s by default) would cut streams before --shutdown-timeout.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
    }

    private static Uri BoundAddress(WebApplication app, string address)
    {
        var port = new Uri(app.Urls.First()).Port;
        var host = address is "0.0.0.0" or "::" ? "127.0.0.1" : address;
        return new Uri($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}/");
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.Synced, LogLevel.Information, "Configuration synced: serving {Keys} API keys.")]
        public static partial void Synced(ILogger logger, int keys);
    }
}
