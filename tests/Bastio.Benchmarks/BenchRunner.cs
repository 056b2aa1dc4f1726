using System.Diagnostics;
using Bastio.Benchmarks.AuthDecision;
using Bastio.Benchmarks.EndToEnd;
using Bastio.Benchmarks.Gateway;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Operator;
using Bastio.Benchmarks.Reporting;

namespace Bastio.Benchmarks;

/// <summary>
/// Runs the selected scenarios one after another (never in parallel: they would measure each other)
/// and prints one table. A scenario that cannot run is listed as such and makes the exit code 1.
/// The gateway scenarios share one <see cref="GatewayFixture"/>, built on first use.
/// </summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var results = new ResultsTable();
        var work = Directory.CreateTempSubdirectory("bastio-bench-");
        // Started once; a fixture that failed to start fails every gateway scenario at once rather than retrying.
        Task<GatewayFixture>? fixture = null;
        try
        {
            foreach (var scenario in settings.Scenarios)
            {
                var started = Stopwatch.StartNew();
                Console.WriteLine($"== {scenario} ==");
                try
                {
                    switch (scenario)
                    {
                        case "auth":
                            new AuthDecisionScenario(results, Path.Combine(work.FullName, "BenchmarkDotNet")).Run();
                            break;
                        case "rate-limit-store":
                            await new RateLimitStore.RateLimitStoreScenario(settings, results, work.FullName).RunAsync().ConfigureAwait(false);
                            break;
                        case "operator":
                            await new OperatorScenario(settings, results, work.FullName).RunAsync().ConfigureAwait(false);
                            break;
                        default:
                            fixture ??= GatewayFixture.StartAsync(settings, work.FullName);
                            await RunGatewayScenarioAsync(scenario, settings, results, await fixture.ConfigureAwait(false), work.FullName).ConfigureAwait(false);
                            break;
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    results.Fail(scenario, $"{ex.GetType().Name}: {ex.Message}");
                }

                Console.WriteLine($"== {scenario} done in {started.Elapsed.TotalSeconds:0}s ==");
            }
        }
        finally
        {
            if (fixture is { IsCompletedSuccessfully: true })
            {
                await fixture.Result.DisposeAsync().ConfigureAwait(false);
            }

            work.Delete(recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine(results.Render());
        return results.Failures.Count == 0 ? 0 : 1;
    }

    private static Task RunGatewayScenarioAsync(string scenario, BenchSettings settings, ResultsTable results, GatewayFixture fixture, string work) =>
        scenario switch
        {
            "e2e" => new EndToEndScenario(settings, results, fixture, work).RunAsync(),
            "revocation" => new RevocationScenario(settings, results, fixture).RunAsync(),
            "gateway-memory" => new GatewayMemoryScenario(settings, results, fixture, work).RunAsync(),
            _ => throw new ArgumentException($"Unknown scenario '{scenario}'.", nameof(scenario)),
        };
}
