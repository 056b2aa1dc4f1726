using Bastio.Core;
using Bastio.Core.Networking;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Hosting;

/// <summary>
/// The gateway's settings: its command-line flags and a few settings with no flag (log level, replica name,
/// timings). What an in-process host replaces — the clock, extra log destinations, the access-log writer, the
/// meter name, watch tuning — is a service instead (<see cref="GatewayHost.StartAsync"/>, <see cref="GatewayServiceKeys"/>).
/// </summary>
public sealed class GatewayOptions
{
    public string? Kubeconfig { get; set; }

    public string? Context { get; set; }

    public string SystemNamespace { get; set; } = WellKnown.DefaultSystemNamespace;

    /// <summary>Listen address of both ports; tests use 127.0.0.1.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>Client traffic; 0 picks a free port (see <see cref="GatewayHost.Url"/>).</summary>
    public int Port { get; set; } = 18080;

    /// <summary><c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>; 0 picks a free port.</summary>
    public int AdminPort { get; set; } = 18090;

    /// <summary>CIDRs or addresses of proxies whose <c>X-Forwarded-For</c> is believed.</summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>After this long without confirmed sync the gateway refuses traffic (fail closed).</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Serve only proxies of these environments (<c>production</c>/<c>live</c>, ...); empty serves all.</summary>
    public IList<string> Environments { get; } = [];

    /// <summary>Which resolved addresses a Proxy upstream may connect to (<c>--upstream-allow-cidrs</c>).</summary>
    public UpstreamAddressPolicy UpstreamAddresses { get; set; } = UpstreamAddressPolicy.PublicOnly;

    /// <summary>Certificates an upstream may present: the system store plus <c>--upstream-ca-file</c>.</summary>
    public UpstreamTrust UpstreamTrust { get; set; } = UpstreamTrust.SystemStore;

    /// <summary>After SIGTERM/SIGINT, how long new connections are still accepted while <c>/readyz</c> answers 503 (<c>--shutdown-delay</c>).</summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>From the signal, how long in-flight requests and streams may run before they are cut (<c>--shutdown-timeout</c>).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Client connections open at once; more are closed as soon as accepted (<c>--max-connections</c>; 0: no limit).</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// How long an idle keep-alive client connection stays open (<c>--keep-alive-timeout</c>). Kestrel's default, longer
    /// than the idle timeout of common load balancers (60 s), so the gateway does not close a connection one is about to reuse.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>
    /// This replica's name in its acknowledgement Lease (docs/delivery.md): the pod name, which
    /// Kubernetes sets as the hostname. Distinct per replica.
    /// </summary>
    public string ReplicaName { get; set; } = Environment.GetEnvironmentVariable("HOSTNAME") is { Length: > 0 } hostname ? hostname : Environment.MachineName;

    /// <summary>How long the operator counts this replica's acknowledgement Lease after its last renewal (renewed every third).</summary>
    public TimeSpan AcknowledgementLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>StackExchange.Redis configuration of the shared rate-limit store (<c>--redis</c>); null keeps counters in this process.</summary>
    public string? Redis { get; set; }

    /// <summary>File holding the Redis password (<c>--redis-password-file</c>); else <c>BASTIO_REDIS_PASSWORD</c>.</summary>
    public string? RedisPasswordFile { get; set; }

    /// <summary>PEM CA bundle that signs the Redis server certificate (<c>--redis-ca-file</c>); implies TLS.</summary>
    public string? RedisCaFile { get; set; }

    /// <summary>The longest an admission waits for the shared store (<c>--store-timeout</c>).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>What a decision does when the shared store fails (<c>--store-failure</c>).</summary>
    public Limits.StoreFailureMode StoreFailure { get; set; } = Limits.StoreFailureMode.Local;

    /// <summary>Quiet period after a change before the snapshot is rebuilt.</summary>
    public TimeSpan RebuildDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;
}
