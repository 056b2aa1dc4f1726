using System.Diagnostics;
using System.Globalization;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Hosting;

namespace Bastio.Benchmarks.Gateway;

/// <summary>
/// Gateway memory per loaded key and cold start. Memory: live managed heap added by a second in-process
/// gateway that loads every key (informer caches plus snapshot), minus what a gateway serving an empty
/// snapshot adds, per key. Cold start: the gateway executable started as a process against a cluster
/// with every key and against one with none, timed from process start to <c>/readyz</c> 200 (which the
/// gateway answers at its first complete sync), with its working set once ready.
/// </summary>
internal sealed class GatewayMemoryScenario(BenchSettings settings, ResultsTable results, GatewayFixture fixture, string work)
{
    private const string Scenario = "gateway memory / cold start";

    public async Task RunAsync()
    {
        await MeasureHeapPerKeyAsync().ConfigureAwait(false);
        await MeasureColdStartAsync().ConfigureAwait(false);
    }

    private async Task MeasureHeapPerKeyAsync()
    {
        var keys = fixture.Keys.Count;
        var emptyHost = await HeapAddedByAsync(async () =>
        {
            var options = new GatewayOptions { Address = "127.0.0.1", Port = 0, AdminPort = 0, AccessLogOutput = TextWriter.Null, MeterName = $"Bastio.Benchmarks.{Guid.NewGuid():N}", SnapshotProvider = new EmptySnapshots() };
            return await GatewayHost.StartAsync(options).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var loadedHost = await HeapAddedByAsync(async () =>
        {
            var host = await GatewayFixture.StartGatewayAsync(fixture.Cluster, work, TextWriter.Null).ConfigureAwait(false);
            await GatewayFixture.WaitForKeysAsync(host, keys, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
            return host;
        }).ConfigureAwait(false);

        var perKey = (double)(loadedHost - emptyHost) / keys;
        results.Add(new Figure(Scenario, "managed heap per loaded key", perKey, "B")
        {
            Goal = "≤ 1 KB",
            MeetsGoal = perKey <= 1024,
            Note = string.Create(CultureInfo.InvariantCulture, $"live heap after full GC: gateway with {keys:N0} keys added {loadedHost:N0} B, gateway with an empty snapshot {emptyHost:N0} B; includes the informer caches of ApiKeys and verifier Secrets"),
        });
    }

    private static async Task<long> HeapAddedByAsync(Func<Task<GatewayHost>> start)
    {
        var before = ManagedHeap.LiveBytes();
        var host = await start().ConfigureAwait(false);
        try
        {
            return ManagedHeap.LiveBytes() - before;
        }
        finally
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task MeasureColdStartAsync()
    {
        var executable = GatewayExecutable();
        await using var empty = await BenchCluster.StartAsync(settings.RepositoryRoot).ConfigureAwait(false);
        await empty.CreateProxyAsync(GatewayFixture.ProxyName, fixture.Stub.BaseUrl, GatewayFixture.ProviderSecret).ConfigureAwait(false);
        var (emptyStart, emptyWorkingSet) = await ColdStartAsync(executable, empty).ConfigureAwait(false);
        var (loadedStart, loadedWorkingSet) = await ColdStartAsync(executable, fixture.Cluster).ConfigureAwait(false);
        var keys = fixture.Keys.Count;
        results.Add(new Figure(Scenario, $"cold start with {keys:N0} keys (process start → /readyz 200)", loadedStart.TotalMilliseconds, "ms")
        {
            BaselineName = "0 keys",
            Baseline = emptyStart.TotalMilliseconds,
        });
        results.Add(new Figure(Scenario, $"working set with {keys:N0} keys", loadedWorkingSet, "B") { BaselineName = "0 keys", Baseline = emptyWorkingSet });
        var perKey = (double)(loadedWorkingSet - emptyWorkingSet) / keys;
        results.Add(new Figure(Scenario, "working set per loaded key", perKey, "B")
        {
            Goal = "≤ 1 KB",
            MeetsGoal = perKey <= 1024,
            Note = "process working set once ready, with every key minus with none, per key; includes GC headroom, so it bounds the managed figure from above",
        });
    }

    private async Task<(TimeSpan Start, long WorkingSet)> ColdStartAsync(string executable, BenchCluster cluster)
    {
        var kubeconfig = await cluster.WriteKubeconfigAsync(work).ConfigureAwait(false);
        var adminPort = ExternalProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            executable, "--kubeconfig", kubeconfig, "--system-namespace", BenchCluster.SystemNamespace, "--address", "127.0.0.1",
            "--port", ExternalProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--admin-port", adminPort.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the gateway.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ExternalProcess.WaitUntilOkAsync(http, new Uri($"http://127.0.0.1:{adminPort}/readyz"), TimeSpan.FromMinutes(3), () => process.HasExited).ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            process.Refresh();
            return (elapsed, process.WorkingSet64);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The gateway built in the same configuration as this program (<c>make bench</c> builds both).</summary>
    private string GatewayExecutable()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        var path = Path.Combine(settings.RepositoryRoot, "gateway/Bastio.Gateway/bin", configuration, "net10.0/Bastio.Gateway.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The gateway is not built at {path}; run `dotnet build gateway/Bastio.Gateway -c {configuration}`.");
    }

    /// <summary>A synced gateway with no keys: the fixed cost subtracted from the loaded gateway's.</summary>
    private sealed class EmptySnapshots : ISnapshotProvider
    {
        public GatewaySnapshot? Current => GatewaySnapshot.Empty;

        public DateTimeOffset? LastConfirmedSync => DateTimeOffset.UtcNow;

        public long WatchRestarts => 0;
    }
}
