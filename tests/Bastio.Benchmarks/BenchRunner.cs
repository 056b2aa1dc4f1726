using System.Diagnostics;
using Bastio.Benchmarks.AuthDecision;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;

namespace Bastio.Benchmarks;

/// <summary>
/// Runs the selected scenarios one after another (never in parallel: they would measure each other)
/// and prints one table. A scenario that cannot run is listed as such and makes the exit code 1.
/// </summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var results = new ResultsTable();
        var work = Directory.CreateTempSubdirectory("bastio-bench-");
        try
        {
            foreach (var scenario in settings.Scenarios)
            {
                var started = Stopwatch.StartNew();
                Console.WriteLine($"== {scenario} ==");
                try
                {
                    await RunScenarioAsync(scenario, settings, results, work.FullName);
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
            work.Delete(recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine(results.Render());
        return results.Failures.Count == 0 ? 0 : 1;
    }

    private static Task RunScenarioAsync(string scenario, BenchSettings settings, ResultsTable results, string work)
    {
        switch (scenario)
        {
            case "auth":
                new AuthDecisionScenario(results, Path.Combine(work, "BenchmarkDotNet")).Run();
                return Task.CompletedTask;
            default:
                throw new InvalidOperationException($"Scenario '{scenario}' is not implemented yet.");
        }
    }
}
