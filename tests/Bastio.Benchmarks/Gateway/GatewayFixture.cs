using System.Diagnostics;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Core.Networking;
using Bastio.Gateway.Hosting;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.StubUpstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bastio.Benchmarks.Gateway;

/// <summary>
/// What the gateway scenarios share: a stub provider over plain HTTP (the upstream every proxy in the
/// comparison shares), the same stub over HTTPS, a test cluster holding <c>BENCH_KEYS</c> ApiKeys laid
/// out as the operator writes them plus one key of a Proxy to the HTTPS stub, and an in-process gateway
/// serving all of them, trusting the HTTPS stub's CA as a private CA. Built once per run,
/// because loading ten thousand keys is the slow part.
/// </summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    public const string ProxyName = "openai";
    public const string TlsProxyName = "openai-tls";

    /// <summary>The stubs' loopback address, the one internal address the gateway may reach (<c>--upstream-allow-cidrs</c>).</summary>
    public static readonly UpstreamAddressPolicy StubAddresses = UpstreamAddressPolicy.Create(["127.0.0.1/32"]);
    public const string ProviderSecret = "sk-bench-provider-0123456789abcdef";

    private readonly StreamWriter _accessLog;

    private GatewayFixture(StubUpstreamServer stub, StubUpstreamServer tlsStub, BenchCluster cluster, IReadOnlyList<IssuedKey> keys, IssuedKey tlsKey, GatewayHost gateway, StreamWriter accessLog)
    {
        Stub = stub;
        TlsStub = tlsStub;
        TlsKey = tlsKey;
        Cluster = cluster;
        Keys = keys;
        Gateway = gateway;
        _accessLog = accessLog;
    }

    /// <summary>The stub over plain HTTP.</summary>
    public StubUpstreamServer Stub { get; }

    /// <summary>The stub over HTTPS.</summary>
    public StubUpstreamServer TlsStub { get; }

    public BenchCluster Cluster { get; }

    /// <summary>The <c>BENCH_KEYS</c> keys of <see cref="ProxyName"/>.</summary>
    public IReadOnlyList<IssuedKey> Keys { get; }

    /// <summary>The one key of <see cref="TlsProxyName"/>, forwarded to <see cref="TlsStub"/>.</summary>
    public IssuedKey TlsKey { get; }

    /// <summary>Every key the gateway serves.</summary>
    public int ServedKeyCount => Keys.Count + 1;

    public GatewayHost Gateway { get; }

    public static async Task<GatewayFixture> StartAsync(BenchSettings settings, string work)
    {
        var stub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions { PlainHttp = true }).ConfigureAwait(false);
        var tlsStub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions()).ConfigureAwait(false);
        var cluster = await BenchCluster.StartAsync(settings.RepositoryRoot).ConfigureAwait(false);
        await cluster.CreateProxyAsync(ProxyName, stub.BaseUrl, ProviderSecret).ConfigureAwait(false);
        await cluster.CreateProxyAsync(TlsProxyName, tlsStub.BaseUrl, ProviderSecret).ConfigureAwait(false);
        var loading = Stopwatch.StartNew();
        var keys = await cluster.CreateApiKeysAsync(ProxyName, settings.Keys).ConfigureAwait(false);
        var tlsKey = (await cluster.CreateApiKeysAsync(TlsProxyName, 1, namePrefix: "tls-key").ConfigureAwait(false))[0];
        Console.WriteLine($"loaded {keys.Count} ApiKeys with verifier Secrets into the test cluster in {loading.Elapsed.TotalSeconds:0.0}s");

        var caFile = Path.Combine(work, "upstream-ca.pem");
        tlsStub.CertificateAuthority!.WriteCertificatePem(caFile);

        // The access log is part of every request's cost, so it is written as in production: to a stream.
        var accessLog = new StreamWriter(Path.Combine(work, "gateway-access.log"));
        var gateway = await StartGatewayAsync(cluster, work, accessLog, UpstreamTrust.Load(caFile)).ConfigureAwait(false);
        await WaitForKeysAsync(gateway, keys.Count + 1, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        return new GatewayFixture(stub, tlsStub, cluster, keys, tlsKey, gateway, accessLog);
    }

    /// <summary>
    /// A gateway in this process watching <paramref name="cluster"/>, configured as in production except for
    /// ports, log level, the stubs' loopback address allowed, <paramref name="upstreamTrust"/> (a CA bundle, as
    /// <c>--upstream-ca-file</c>) and what <paramref name="configure"/> changes.
    /// </summary>
    public static async Task<GatewayHost> StartGatewayAsync(BenchCluster cluster, string work, TextWriter accessLog, UpstreamTrust? upstreamTrust = null, Action<GatewayOptions>? configure = null)
    {
        var options = new GatewayOptions
        {
            Kubeconfig = await cluster.WriteKubeconfigAsync(work).ConfigureAwait(false),
            SystemNamespace = BenchCluster.SystemNamespace,
            Address = "127.0.0.1",
            Port = 0,
            AdminPort = 0,
            MinimumLogLevel = LogLevel.Warning,
            UpstreamAddresses = StubAddresses,
            UpstreamTrust = upstreamTrust ?? UpstreamTrust.SystemStore,
        };
        configure?.Invoke(options);
        return await GatewayHost.StartAsync(options, services => services
            .AddKeyedSingleton(GatewayServiceKeys.AccessLog, accessLog)
            .AddKeyedSingleton(GatewayServiceKeys.MeterName, $"Bastio.Benchmarks.{Guid.NewGuid():N}")
            .AddSingleton(new InformerOptions())).ConfigureAwait(false);
    }

    /// <summary>Until the served snapshot holds <paramref name="count"/> keys (the gateway reports ready at its first sync, which may be partial).</summary>
    public static async Task WaitForKeysAsync(GatewayHost gateway, int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (gateway.Snapshots.Current?.KeyCount != count)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The gateway serves {gateway.Snapshots.Current?.KeyCount ?? 0} of {count} keys after {timeout.TotalSeconds:0}s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync().ConfigureAwait(false);
        await _accessLog.DisposeAsync().ConfigureAwait(false);
        await Cluster.DisposeAsync().ConfigureAwait(false);
        await Stub.DisposeAsync().ConfigureAwait(false);
        await TlsStub.DisposeAsync().ConfigureAwait(false);
    }
}
