using System.Diagnostics;
using System.Globalization;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;

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
        // The same Proxy and provider key as the loaded cluster, no ApiKeys: the "0 keys" side of every delta.
        await using var empty = await BenchCluster.StartAsync(settings.RepositoryRoot).ConfigureAwait(false);
        await empty.CreateProxyAsync(GatewayFixture.ProxyName, fixture.Stub.BaseUrl, GatewayFixture.ProviderSecret).ConfigureAwait(false);
        await MeasureHeapPerKeyAsync(empty).ConfigureAwait(false);
        await MeasureColdStartAsync(empty).ConfigureAwait(false);
    }

    private async Task MeasureHeapPerKeyAsync(BenchCluster empty)
    {
        var keys = fixture.ServedKeyCount;

        // Unmeasured first start: a fresh cluster server allocates its connection buffers and caches on
        // its first client, which would otherwise be charged to the empty gateway.
        await HeapAddedByGatewayAsync(empty, 0).ConfigureAwait(false);
        var emptyHost = await HeapAddedByGatewayAsync(empty, 0).ConfigureAwait(false);
        var loadedHost = await HeapAddedByGatewayAsync(fixture.Cluster, keys).ConfigureAwait(false);

        var perKey = (double)(loadedHost - emptyHost) / keys;
        results.Add(new Figure(Scenario, "managed heap per loaded key", perKey, "B")
        {
            Goal = "≤ 1 KB",
            MeetsGoal = perKey <= 1024,
            Note = string.Create(CultureInfo.InvariantCulture, $"live heap after full GC: gateway with {keys:N0} keys added {loadedHost:N0} B, gateway against a cluster with no ApiKeys {emptyHost:N0} B; includes the informer caches of ApiKeys and verifier Secrets"),
        });
    }

    private async Task<long> HeapAddedByGatewayAsync(BenchCluster cluster, int keys)
    {
        var before = await ManagedHeap.SettledLiveBytesAsync().ConfigureAwait(false);
        var host = await GatewayFixture.StartGatewayAsync(cluster, work, TextWriter.Null).ConfigureAwait(false);
        try
        {
            await GatewayFixture.WaitForKeysAsync(host, keys, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
            return await ManagedHeap.SettledLiveBytesAsync().ConfigureAwait(false) - before;
        }
        finally
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task MeasureColdStartAsync(BenchCluster empty)
    {
        var executable = GatewayExecutable();
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

            // Its default, given explicitly: the gateway's command line rejects the option when it is omitted.
            "--max-staleness", "5m",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the gateway.");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                errors.Enqueue(text);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ExternalProcess.WaitUntilOkAsync(http, new Uri($"http://127.0.0.1:{adminPort}/readyz"), TimeSpan.FromMinutes(3), () => process.HasExited).ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            process.Refresh();
            return (elapsed, process.WorkingSet64);
        }
        catch (InvalidOperationException ex) when (process.HasExited)
        {
            throw new InvalidOperationException($"{ex.Message} Its standard error: {string.Join(" / ", errors.Take(5))}", ex);
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
}
