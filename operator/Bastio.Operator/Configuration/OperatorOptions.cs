using Bastio.Core;
using Bastio.Core.Networking;

namespace Bastio.Operator.Configuration;

/// <summary>Settings of one operator process, filled from the command line.</summary>
public sealed class OperatorOptions
{
    /// <summary>Kubeconfig file; null = KUBECONFIG, ~/.kube/config, then in-cluster.</summary>
    public string? Kubeconfig { get; set; }

    public string? Context { get; set; }

    public string SystemNamespace { get; set; } = WellKnown.DefaultSystemNamespace;

    public string AdminAddress { get; set; } = "0.0.0.0";

    /// <summary>0 picks a free port (tests).</summary>
    public int AdminPort { get; set; } = 18091;

    public bool LeaderElect { get; set; }

    /// <summary>Lease name in the system namespace when <see cref="LeaderElect"/> is set.</summary>
    public string LeaseName { get; set; } = "bastio-operator";

    /// <summary>Namespaces whose ApiKeys, ProviderKeys and Proxies are reconciled; empty = all.</summary>
    public IReadOnlyList<string> WatchNamespaces { get; set; } = [];

    /// <summary>Image of the rotation CronJob's pod: the operator image, which has the <c>rotate</c> command.</summary>
    public string RotatorImage { get; set; } = "ghcr.io/bastio/bastio-operator:latest";

    public string RotatorServiceAccount { get; set; } = "bastio-rotator";

    /// <summary>Written as <c>baseUrl</c> into delivery Secrets when set.</summary>
    public Uri? GatewayUrl { get; set; }

    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a new key waits for every serving gateway replica to acknowledge its verifier before it is
    /// delivered anyway (<c>--delivery-ack-timeout</c>, docs/delivery.md).
    /// </summary>
    public TimeSpan DeliveryAcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Client-side request rate to the API server; bounds how fast thousands of new keys become Ready.</summary>
    public double KubeApiQps { get; set; } = 50;

    public int KubeApiBurst { get; set; } = 100;

    /// <summary>How often every cached object is reconciled again even without a change.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Which resolved addresses provider validation may connect to (<c>--upstream-allow-cidrs</c>).</summary>
    public UpstreamAddressPolicy UpstreamAddresses { get; set; } = UpstreamAddressPolicy.PublicOnly;

    /// <summary>Certificates a provider may present: the system store plus <c>--upstream-ca-file</c>.</summary>
    public UpstreamTrust UpstreamTrust { get; set; } = UpstreamTrust.SystemStore;

    /// <summary>Reconciles running at once per controller.</summary>
    public int Workers { get; set; } = 2;
}
