using System.Diagnostics;
using System.Globalization;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Configuration;
using Bastio.Operator.Hosting;
using Microsoft.Extensions.Logging;

namespace Bastio.Benchmarks.Operator;

/// <summary>
/// The operator at scale, in this process against the test cluster: <c>BENCH_KEYS</c> ApiKeys created while
/// it runs, time until every one is Ready; then a full resync (every cached object reconciled again) and
/// the API writes it caused, which should be none; then a restart's writes and the live managed heap a
/// settled operator holds, per key.
/// </summary>
internal sealed class OperatorScenario(BenchSettings settings, ResultsTable results, string work)
{
    private const string Scenario = "operator";
    private const string ProxyName = "openai";
    private const int CreateParallelism = 16;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(8);

    /// <summary>No write and an empty queue for this long means reconciling has finished.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    public async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync(settings.RepositoryRoot).ConfigureAwait(false);
        // Errors only: with ten thousand keys, retried conflicts logged as warnings would bury the results.
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Error).AddSimpleConsole());
        await using var audit = new StreamWriter(Path.Combine(work, "operator-audit.log"));
        var keys = settings.Keys;
        await cluster.Proxies.CreateAsync(NewProxy()).ConfigureAwait(false);

        // The "no keys" side of the heap figure, measured while the process is still quiet. The first start
        // is not measured: it pays for JIT and the cluster server's first connection buffers.
        await HeapAddedByOperatorAsync(cluster, loggerFactory, audit).ConfigureAwait(false);
        var emptyHost = await HeapAddedByOperatorAsync(cluster, loggerFactory, audit).ConfigureAwait(false);
        await using (var host = await StartOperatorAsync(cluster, loggerFactory, audit).ConfigureAwait(false))
        {
            var clock = Stopwatch.StartNew();
            await Parallel.ForAsync(0, keys, new ParallelOptions { MaxDegreeOfParallelism = CreateParallelism }, async (i, ct) =>
                await cluster.ApiKeys.CreateAsync(new ApiKey
                {
                    Metadata = new V1ObjectMeta { Name = $"key-{i:D5}", NamespaceProperty = BenchCluster.Namespace },
                    Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = ProxyName }, Permissions = ["chat"] },
                }, cancellationToken: ct).ConfigureAwait(false)).ConfigureAwait(false);
            var created = clock.Elapsed;
            Console.WriteLine($"created {keys:N0} ApiKeys in {created.TotalSeconds:0.0}s; waiting until all are Ready");
            var ready = await WaitUntilAllReadyAsync(cluster, keys, clock).ConfigureAwait(false);
            if (ready < keys)
            {
                results.Add(new Figure(Scenario, $"ApiKeys Ready {ReadyTimeout.TotalMinutes:0} min after creating {keys:N0}", ready, "count")
                {
                    Goal = $"{keys:N0}",
                    MeetsGoal = false,
                    Note = "the remaining figures need every key Ready and were not measured; BENCH_KEYS scales the scenario down",
                });
                throw new TimeoutException($"Only {ready:N0} of {keys:N0} ApiKeys were Ready after {ReadyTimeout.TotalMinutes:0} minutes.");
            }

            var allReady = clock.Elapsed;
            results.Add(new Figure(Scenario, $"{keys:N0} ApiKeys created → all Ready (--kube-api-qps {settings.OperatorQps})", allReady.TotalMilliseconds, "ms")
            {
                Note = string.Create(CultureInfo.InvariantCulture, $"creates issued {CreateParallelism} at a time took {created.TotalSeconds:0.0}s of it; {host.Workers} workers per controller; {(allReady.TotalSeconds > 0 ? keys / allReady.TotalSeconds : 0):0} keys/s"),
            });

            await WaitUntilQuietAsync(host.Operator, cluster).ConfigureAwait(false);
            var writesBefore = cluster.Server.WriteCount;
            host.Operator.ResyncAll();
            await WaitUntilQuietAsync(host.Operator, cluster).ConfigureAwait(false);
            var writes = cluster.Server.WriteCount - writesBefore;
            results.Add(new Figure(Scenario, "API writes caused by a full resync", writes, "count")
            {
                Goal = "0",
                MeetsGoal = writes == 0,
                Note = "every cached ApiKey, ProviderKey and Proxy enqueued again once all were Ready and nothing was being written; test cluster WriteCount delta (Events count as writes)",
            });
        }

        await MeasureRestartAsync(cluster, loggerFactory, audit, keys, emptyHost).ConfigureAwait(false);
    }

    /// <summary>
    /// A fresh operator started over the settled cluster: the API writes its first full reconcile causes
    /// (goal: none), and the live heap it adds once every key is cached, minus <paramref name="emptyHost"/>
    /// (what one adds over the same cluster with the Proxy and no ApiKeys), per key. Heap is measured
    /// around a start, as for the gateway, rather than around a stop: a stopped host is not promptly
    /// collectable in this process, so "after stop" would still count its caches.
    /// </summary>
    private async Task MeasureRestartAsync(BenchCluster loaded, ILoggerFactory loggerFactory, TextWriter audit, int keys, long emptyHost)
    {
        var writesBefore = loaded.Server.WriteCount;
        var loadedHost = await HeapAddedByOperatorAsync(loaded, loggerFactory, audit).ConfigureAwait(false);
        var writes = loaded.Server.WriteCount - writesBefore;
        results.Add(new Figure(Scenario, $"API writes caused by a restart over {keys:N0} Ready keys", writes, "count")
        {
            Goal = "0",
            MeetsGoal = writes == 0,
            Note = "a new operator process state (empty caches, fresh queues) reconciling everything once; test cluster WriteCount delta",
        });

        var perKey = (double)(loadedHost - emptyHost) / keys;
        results.Add(new Figure(Scenario, "managed heap per cached key", perKey, "B")
        {
            Goal = "< 5 KB",
            MeetsGoal = perKey < 5 * 1024,
            Note = string.Create(CultureInfo.InvariantCulture, $"live heap after full GC: an operator settled over {keys:N0} Ready keys added {loadedHost:N0} B, one over a cluster with no ApiKeys {emptyHost:N0} B; covers its caches of ApiKeys, delivery and verifier Secrets and everything else it holds per key"),
        });
    }

    private async Task<long> HeapAddedByOperatorAsync(BenchCluster cluster, ILoggerFactory loggerFactory, TextWriter audit)
    {
        var before = await ManagedHeap.SettledLiveBytesAsync().ConfigureAwait(false);
        await using var host = await StartOperatorAsync(cluster, loggerFactory, audit).ConfigureAwait(false);
        await WaitUntilQuietAsync(host.Operator, cluster).ConfigureAwait(false);
        return await ManagedHeap.SettledLiveBytesAsync().ConfigureAwait(false) - before;
    }

    private async Task<RunningOperator> StartOperatorAsync(BenchCluster cluster, ILoggerFactory loggerFactory, TextWriter audit)
    {
        var options = new OperatorOptions
        {
            SystemNamespace = BenchCluster.SystemNamespace,
            AdminAddress = "127.0.0.1",
            AdminPort = 0,
            RotatorImage = "bastio/operator:bench",
            RotatorServiceAccount = "bastio-rotator",
            KubeApiQps = settings.OperatorQps,
            KubeApiBurst = settings.OperatorQps * 2,
        };
        var client = KubernetesConnection.CreateClient(
            KubernetesConnection.FromKubeconfigYaml(cluster.Server.KubeconfigYaml),
            new KubernetesClientOptions { Qps = options.KubeApiQps, Burst = options.KubeApiBurst });
        var host = new OperatorHost(client, options, loggerFactory, audit);
        var running = new RunningOperator(host, client, options.Workers);
        try
        {
            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            await host.Readiness.WaitUntilReadyAsync().ConfigureAwait(false);
            return running;
        }
        catch
        {
            await running.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Proxy NewProxy() => new()
    {
        Metadata = new V1ObjectMeta { Name = ProxyName, NamespaceProperty = BenchCluster.Namespace },
        Spec = new ProxySpec { Provider = "openai", Upstream = "https://api.openai.com/v1" },
    };

    private sealed record RunningOperator(OperatorHost Operator, IKubernetes Client, int Workers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Operator.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await Operator.DisposeAsync().ConfigureAwait(false);
            Client.Dispose();
        }
    }

    /// <summary>
    /// Lists the ApiKeys once a second (a watch would add its own cost to the operator's) until all have
    /// Ready=True or <see cref="ReadyTimeout"/> passes; returns how many were Ready.
    /// </summary>
    private static async Task<int> WaitUntilAllReadyAsync(BenchCluster cluster, int keys, Stopwatch clock)
    {
        var lastReported = TimeSpan.Zero;
        while (true)
        {
            var list = await cluster.ApiKeys.ListAllAsync(BenchCluster.Namespace).ConfigureAwait(false);
            var ready = list.Items.Count(k => Conditions.IsTrue(k.Status?.Conditions, "Ready"));
            if (ready == keys || clock.Elapsed > ReadyTimeout)
            {
                return ready;
            }

            if (clock.Elapsed - lastReported > TimeSpan.FromSeconds(15))
            {
                lastReported = clock.Elapsed;
                Console.WriteLine($"{ready:N0} of {keys:N0} ApiKeys Ready after {clock.Elapsed.TotalSeconds:0}s");
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    /// <summary>Until the operator's queues are empty and the cluster saw no write for <see cref="QuietPeriod"/>.</summary>
    private static async Task WaitUntilQuietAsync(OperatorHost host, BenchCluster cluster)
    {
        var deadline = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        var writes = cluster.Server.WriteCount;
        while (quiet.Elapsed < QuietPeriod)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
            var now = cluster.Server.WriteCount;
            if (now != writes || host.QueueDepth > 0)
            {
                writes = now;
                quiet.Restart();
            }

            if (deadline.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"The operator was still working after {ReadyTimeout.TotalMinutes:0} minutes (queue depth {host.QueueDepth}).");
            }
        }
    }
}
