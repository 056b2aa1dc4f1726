using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bastio.Benchmarks.Gateway;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Limits.Redis;
using Bastio.Gateway.RateLimiting;
using Bastio.Kubernetes.Api;
using Bastio.StubUpstream;
using StackExchange.Redis;

namespace Bastio.Benchmarks.RateLimitStore;

/// <summary>
/// The shared rate-limit store against the in-process one, in the same run: gateway throughput with
/// every request decided by Redis (a real redis-server on loopback) next to the in-process store, Redis
/// round trips per request (from the server's own command statistics), and the latency of one
/// admission decision, p50 and p99.
/// </summary>
internal sealed class RateLimitStoreScenario(BenchSettings settings, ResultsTable results, string work)
{
    private const string Scenario = "rate-limit store";
    private const int Keys = 100;
    private const int Concurrency = 32;

    public async Task RunAsync()
    {
        var redisServer = ExternalProcess.Require("redis-server", "redis-server");
        var port = ExternalProcess.FreePort();
        using var redisProcess = Process.Start(new ProcessStartInfo(redisServer, ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        try
        {
            var configuration = $"127.0.0.1:{port}";
            await using var redis = await ConnectWithRetryAsync(configuration + ",allowAdmin=true").ConfigureAwait(false);
            await MeasureDecisionLatencyAsync(redis).ConfigureAwait(false);
            await MeasureThroughputAsync(redis, configuration).ConfigureAwait(false);
        }
        finally
        {
            redisProcess.Kill();
            await redisProcess.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    private async Task MeasureDecisionLatencyAsync(ConnectionMultiplexer redis)
    {
        var shape = new RateLimitShape(1_000_000_000, TimeSpan.FromSeconds(1));
        var limits = new KeyLimits(shape, null, null, null) { RequestBucket = new BucketStore(TimeProvider.System).GetOrCreate("bench-key", shape) };
        var shared = new RedisAdmissionStore(redis);
        await shared.LoadScriptAsync().ConfigureAwait(false);
        var local = new LocalAdmissionStore(TimeProvider.System);
        var decisions = Math.Max(2_000, (int)settings.WrkDuration.TotalSeconds * 1_000);
        var redisTimes = await TimeDecisionsAsync(shared, limits, decisions).ConfigureAwait(false);
        var localTimes = await TimeDecisionsAsync(local, limits, decisions).ConfigureAwait(false);
        foreach (var (name, percentile) in new[] { ("p50", 0.50), ("p99", 0.99) })
        {
            results.Add(new Figure(Scenario, $"admission decision latency {name} (Redis on loopback)", Percentile(redisTimes, percentile), "µs")
            {
                BaselineName = "in-process store",
                Baseline = Percentile(localTimes, percentile),
                Note = string.Create(CultureInfo.InvariantCulture, $"{decisions:N0} sequential decisions of one key through RedisAdmissionStore (one EVALSHA each)"),
            });
        }
    }

    private async Task MeasureThroughputAsync(ConnectionMultiplexer redis, string configuration)
    {
        // Plain HTTP upstream: the figure compares stores, so nothing else differs between the two runs.
        await using var stub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions { PlainHttp = true }).ConfigureAwait(false);
        await using var cluster = await BenchCluster.StartAsync(settings.RepositoryRoot).ConfigureAwait(false);
        await cluster.CreateProxyAsync(GatewayFixture.ProxyName, stub.BaseUrl, GatewayFixture.ProviderSecret).ConfigureAwait(false);

        // A limit no run reaches: every request is decided by the store and admitted.
        await cluster.Proxies.PatchAsync(BenchCluster.Namespace, GatewayFixture.ProxyName, PatchType.Merge,
            """{"spec":{"defaults":{"rateLimit":{"requests":1000000000,"period":"second"}}}}""").ConfigureAwait(false);
        var keys = await cluster.CreateApiKeysAsync(GatewayFixture.ProxyName, Keys).ConfigureAwait(false);

        var inProcess = await RequestsPerSecondAsync(cluster, keys, null, redis).ConfigureAwait(false);
        var shared = await RequestsPerSecondAsync(cluster, keys, configuration, redis).ConfigureAwait(false);
        var roundTrips = shared.ScriptCalls / (double)shared.Requests;

        results.Add(new Figure(Scenario, "gateway throughput with the Redis store", shared.PerSecond, "req/s")
        {
            BaselineName = "in-process store",
            Baseline = inProcess.PerSecond,
            Goal = "≥ 0.8× in-process",
            MeetsGoal = shared.PerSecond >= 0.8 * inProcess.PerSecond,
            Note = string.Create(CultureInfo.InvariantCulture, $"{Concurrency} concurrent clients over {Keys} rate-limited keys for {settings.WrkDuration.TotalSeconds:0}s each, chat completions to the stub"),
        });
        results.Add(new Figure(Scenario, "Redis round trips per admitted request", roundTrips, "")
        {
            Goal = "1",
            MeetsGoal = Math.Abs(roundTrips - 1) < 0.001,
            Note = "EVALSHA calls counted by redis-server (INFO commandstats) divided by requests answered",
        });
    }

    /// <summary>Requests per second through one gateway, and the script calls Redis counted during the measured run.</summary>
    private async Task<(long Requests, double PerSecond, long ScriptCalls)> RequestsPerSecondAsync(BenchCluster cluster, IReadOnlyList<IssuedKey> keys, string? redis, ConnectionMultiplexer counter)
    {
        await using var gateway = await GatewayFixture.StartGatewayAsync(cluster, work, TextWriter.Null, configure: options => options.Redis = redis).ConfigureAwait(false);
        await GatewayFixture.WaitForKeysAsync(gateway, keys.Count, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = gateway.Url };

        // Warm-up: JIT, connections, the script cache.
        await DriveAsync(http, keys, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var before = await EvalShaCallsAsync(counter).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var requests = await DriveAsync(http, keys, settings.WrkDuration).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        return (requests, requests / elapsed.TotalSeconds, await EvalShaCallsAsync(counter).ConfigureAwait(false) - before);
    }

    private static async Task<long> DriveAsync(HttpClient http, IReadOnlyList<IssuedKey> keys, TimeSpan duration)
    {
        long count = 0;
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async worker =>
        {
            var i = worker;
            while (deadline.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
                {
                    Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", keys[i++ % keys.Count].Key);
                using var response = await http.SendAsync(request).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"The gateway answered {(int)response.StatusCode} during the throughput run.");
                }

                Interlocked.Increment(ref count);
            }
        })).ConfigureAwait(false);
        return count;
    }

    private static async Task<double[]> TimeDecisionsAsync(IAdmissionStore store, KeyLimits limits, int count)
    {
        var times = new double[count];
        for (var i = -200; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await store.AdmitAsync("bench-key", limits, CancellationToken.None).ConfigureAwait(false);
            if (i >= 0)
            {
                times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        Array.Sort(times);
        return times;
    }

    private static double Percentile(double[] sorted, double percentile) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(percentile * sorted.Length) - 1)];

    private static async Task<long> EvalShaCallsAsync(ConnectionMultiplexer redis)
    {
        var stats = await redis.GetServers()[0].InfoAsync("commandstats").ConfigureAwait(false);
        var line = stats.SelectMany(group => group).FirstOrDefault(pair => pair.Key == "cmdstat_evalsha").Value;
        return line is null ? 0 : long.Parse(line.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<ConnectionMultiplexer> ConnectWithRetryAsync(string configuration)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }
}
