using System.Diagnostics;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Gateway.Hosting;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.StubUpstream;
using Microsoft.Extensions.Logging;

namespace Bastio.Benchmarks.Gateway;

/// <summary>
/// What the gateway scenarios share: a stub provider, a test cluster holding <c>BENCH_KEYS</c> ApiKeys laid
/// out as the operator writes them, and an in-process gateway serving all of them. Built once per run,
/// because loading ten thousand keys is the slow part.
/// </summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    public const string ProxyName = "openai";
    public const string ProviderSecret = "sk-bench-provider-0123456789abcdef";

    private readonly StreamWriter _accessLog;

    private GatewayFixture(StubUpstreamServer stub, BenchCluster cluster, IReadOnlyList<IssuedKey> keys, GatewayHost gateway, StreamWriter accessLog)
    {
        Stub = stub;
        Cluster = cluster;
        Keys = keys;
        Gateway = gateway;
        _accessLog = accessLog;
    }

    public StubUpstreamServer Stub { get; }

    public BenchCluster Cluster { get; }

    public IReadOnlyList<IssuedKey> Keys { get; }

    public GatewayHost Gateway { get; }

    public static async Task<GatewayFixture> StartAsync(BenchSettings settings, string work)
    {
        var stub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions()).ConfigureAwait(false);
        var cluster = await BenchCluster.StartAsync(settings.RepositoryRoot).ConfigureAwait(false);
        await cluster.CreateProxyAsync(ProxyName, stub.BaseUrl, ProviderSecret).ConfigureAwait(false);
        var loading = Stopwatch.StartNew();
        var keys = await cluster.CreateApiKeysAsync(ProxyName, settings.Keys).ConfigureAwait(false);
        Console.WriteLine($"loaded {keys.Count} ApiKeys with verifier Secrets into the test cluster in {loading.Elapsed.TotalSeconds:0.0}s");

        // The access log is part of every request's cost, so it is written as in production: to a stream.
        var accessLog = new StreamWriter(Path.Combine(work, "gateway-access.log"));
        var gateway = await StartGatewayAsync(cluster, work, accessLog).ConfigureAwait(false);
        await WaitForKeysAsync(gateway, keys.Count, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        return new GatewayFixture(stub, cluster, keys, gateway, accessLog);
    }

    /// <summary>A gateway in this process watching <paramref name="cluster"/>, configured as in production except for ports and log level.</summary>
    public static async Task<GatewayHost> StartGatewayAsync(BenchCluster cluster, string work, TextWriter accessLog, Action<GatewayOptions>? configure = null)
    {
        var options = new GatewayOptions
        {
            Kubeconfig = await cluster.WriteKubeconfigAsync(work).ConfigureAwait(false),
            SystemNamespace = BenchCluster.SystemNamespace,
            Address = "127.0.0.1",
            Port = 0,
            AdminPort = 0,
            AccessLogOutput = accessLog,
            MinimumLogLevel = LogLevel.Warning,
            MeterName = $"Bastio.Benchmarks.{Guid.NewGuid():N}",
            Informers = new InformerOptions(),
        };
        configure?.Invoke(options);
        return await GatewayHost.StartAsync(options).ConfigureAwait(false);
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
    }
}
