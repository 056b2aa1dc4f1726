using Bastio.Benchmarks.Gateway;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;

namespace Bastio.Benchmarks.EndToEnd;

/// <summary>
/// The same <c>wrk</c> load, one target after another, against the stub provider directly, a bare YARP
/// pass-through, nginx and the gateway (with every key loaded), and the gateway forwarding to the stub
/// over HTTPS (certificate validated against the stub's test CA); then the gateway and bare YARP again at
/// half of bare YARP's saturation rate, where the gateway's added p99 latency is read. The throughput
/// goal is judged on interleaved pairs (bare YARP, then the gateway, several times), because on a shared
/// 2-core machine two 10-second runs minutes apart differ by more than the gateway costs.
/// </summary>
internal sealed class EndToEndScenario(BenchSettings settings, ResultsTable results, GatewayFixture fixture, string work)
{
    private const string Scenario = "end-to-end (wrk)";
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    /// <summary>Interleaved (bare YARP, gateway) rounds whose median ratio judges the throughput goal.</summary>
    private const int PairedRounds = 3;

    /// <summary>The pause each paced connection takes between requests; the connection count sets the rate.</summary>
    private const int PacingDelayMilliseconds = 2;

    public async Task RunAsync()
    {
        var wrk = new Wrk(ExternalProcess.Require("wrk", "wrk"), Path.Combine(settings.RepositoryRoot, "tests/Bastio.Benchmarks/scripts/request.lua"));
        using var http = new HttpClient();
        using var nginx = await NginxServer.StartAsync(ExternalProcess.Require("nginx", "nginx-light"), fixture.Stub.Url, Path.Combine(work, "nginx"), http).ConfigureAwait(false);
        await using var bare = await BareYarpProxy.StartAsync(fixture.Stub.Url).ConfigureAwait(false);
        var key = fixture.Keys[0].Key;

        // The last two compare the gateway's upstream leg over plain HTTP and over validated TLS (same stub, same gateway).
        var targets = new (string Name, Uri Url, string Key)[]
        {
            ("upstream directly", fixture.Stub.Url, key),
            ("bare YARP", bare.Url, key),
            ("nginx proxy_pass", nginx.Url, key),
            ("Bastio gateway", fixture.Gateway.Url, key),
            ("Bastio gateway, HTTPS upstream", fixture.Gateway.Url, fixture.TlsKey.Key),
        };
        var saturated = new Dictionary<string, WrkResult>();
        foreach (var (name, url, targetKey) in targets)
        {
            await wrk.RunAsync(url, targetKey, Warmup, settings.WrkConnections).ConfigureAwait(false);
            saturated[name] = Checked(name, await wrk.RunAsync(url, targetKey, settings.WrkDuration, settings.WrkConnections).ConfigureAwait(false));
            Console.WriteLine($"{name}: {saturated[name]}");
        }

        var baseline = saturated["bare YARP"];
        foreach (var (name, _, _) in targets)
        {
            var run = saturated[name];
            var isGateway = name == "Bastio gateway";
            var isBaseline = name == "bare YARP";
            results.Add(new Figure(Scenario, $"{name}: throughput", run.RequestsPerSecond, "req/s")
            {
                BaselineName = isBaseline ? null : "bare YARP",
                Baseline = isBaseline ? null : baseline.RequestsPerSecond,
                Note = isBaseline ? $"wrk -c{settings.WrkConnections} -t{Math.Min(Environment.ProcessorCount, settings.WrkConnections)} for {settings.WrkDuration.TotalSeconds:0}s after a {Warmup.TotalSeconds:0}s warm-up, POST /v1/chat/completions; every .NET server runs in the benchmark process, wrk and nginx beside it on the same cores" : null,
            });
            results.Add(new Figure(Scenario, $"{name}: p50 latency", run.P50Milliseconds, "ms") { BaselineName = isBaseline ? null : "bare YARP", Baseline = isBaseline ? null : baseline.P50Milliseconds });
            results.Add(new Figure(Scenario, $"{name}: p99 latency", run.P99Milliseconds, "ms") { BaselineName = isBaseline ? null : "bare YARP", Baseline = isBaseline ? null : baseline.P99Milliseconds });
        }

        await MeasurePairedThroughputAsync(wrk, key, bare.Url).ConfigureAwait(false);
        await MeasureAddedLatencyAsync(wrk, key, bare.Url, baseline).ConfigureAwait(false);
    }

    private async Task MeasurePairedThroughputAsync(Wrk wrk, string key, Uri bareUrl)
    {
        var ratios = new List<double>();
        for (var round = 0; round < PairedRounds; round++)
        {
            var pair = new List<WrkResult>();
            foreach (var (name, url) in new[] { ("bare YARP", bareUrl), ("Bastio gateway", fixture.Gateway.Url) })
            {
                await wrk.RunAsync(url, key, Warmup, settings.WrkConnections).ConfigureAwait(false);
                pair.Add(Checked($"{name} (pair {round + 1})", await wrk.RunAsync(url, key, settings.WrkDuration, settings.WrkConnections).ConfigureAwait(false)));
            }

            ratios.Add(pair[0].RequestsPerSecond > 0 ? pair[1].RequestsPerSecond / pair[0].RequestsPerSecond : 0);
            Console.WriteLine($"pair {round + 1}: bare YARP {pair[0].RequestsPerSecond:0} req/s, gateway {pair[1].RequestsPerSecond:0} req/s");
        }

        ratios.Sort();
        var median = ratios[ratios.Count / 2];
        results.Add(new Figure(Scenario, $"gateway ÷ bare YARP throughput, median of {PairedRounds} interleaved pairs", median, "×")
        {
            Goal = "≥ 0.90",
            MeetsGoal = median >= 0.9,
            Note = $"each pair: bare YARP then the gateway, wrk -c{settings.WrkConnections} for {settings.WrkDuration.TotalSeconds:0}s after a {Warmup.TotalSeconds:0}s warm-up; ratios {string.Join(", ", ratios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}",
        });
    }

    /// <summary>
    /// wrk has no constant-rate mode (wrk2 is not packaged), so load is paced with its <c>delay()</c> hook:
    /// each connection waits <see cref="PacingDelayMilliseconds"/> between requests and the connection count
    /// is chosen so bare YARP runs at about half its saturation rate. The gateway gets the same connections
    /// and pacing; the achieved rates are printed so the comparison can be judged.
    /// </summary>
    private async Task MeasureAddedLatencyAsync(Wrk wrk, string key, Uri bareUrl, WrkResult saturatedBaseline)
    {
        var target = saturatedBaseline.RequestsPerSecond / 2;
        var cycleMilliseconds = PacingDelayMilliseconds + saturatedBaseline.P50Milliseconds / 2;
        var connections = Math.Max(Environment.ProcessorCount, (int)Math.Round(target * cycleMilliseconds / 1000));
        var runs = new Dictionary<string, WrkResult>();
        foreach (var (name, url) in new[] { ("bare YARP", bareUrl), ("Bastio gateway", fixture.Gateway.Url) })
        {
            await wrk.RunAsync(url, key, Warmup, connections, PacingDelayMilliseconds).ConfigureAwait(false);
            runs[name] = Checked(name + " (paced)", await wrk.RunAsync(url, key, settings.WrkDuration, connections, PacingDelayMilliseconds).ConfigureAwait(false));
            Console.WriteLine($"{name} paced: {runs[name]}");
        }

        var bare = runs["bare YARP"];
        var gateway = runs["Bastio gateway"];
        var added = gateway.P99Milliseconds - bare.P99Milliseconds;
        results.Add(new Figure(Scenario, "gateway p99 added latency at ½ bare-YARP saturation", added, "ms")
        {
            Goal = "≤ 1 ms",

            // A negative difference means run-to-run noise exceeds the gateway's cost: no verdict, not a pass.
            MeetsGoal = added < 0 ? null : added <= 1,
            Note = (added < 0 ? "negative: the two runs' p99 differ by more than the gateway adds, so this run cannot judge the goal; " : "") + $"paced with wrk delay(): {connections} connections × {PacingDelayMilliseconds} ms pause; target {target:0} req/s; achieved bare YARP {bare.RequestsPerSecond:0} req/s (p99 {bare.P99Milliseconds:0.###} ms), gateway {gateway.RequestsPerSecond:0} req/s (p99 {gateway.P99Milliseconds:0.###} ms)",
        });
    }

    /// <summary>An answer other than 2xx (a refused key, a broken proxy) would make the figures meaningless.</summary>
    private WrkResult Checked(string name, WrkResult run)
    {
        if (run.Non2xx > 0 || run.SocketErrors > 0)
        {
            results.Fail(Scenario, $"{name}: {run.Non2xx} non-2xx answers and {run.SocketErrors} socket errors; its figures are not comparable");
        }

        return run;
    }
}
