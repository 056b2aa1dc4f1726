using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Bastio.Benchmarks.Reporting;

namespace Bastio.Benchmarks.AuthDecision;

/// <summary>Runs <see cref="AuthDecisionBenchmarks"/> with BenchmarkDotNet and turns its summary into figures.</summary>
internal sealed class AuthDecisionScenario(ResultsTable results, string artifactsDirectory)
{
    private const string Scenario = "auth decision";
    private const double GoalNanoseconds = 1000;

    public void Run()
    {
        // In-process: no generated project to build on a shared 2-core machine; ShortRun keeps it to a couple of minutes.
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(artifactsDirectory);
        var summary = BenchmarkRunner.Run<AuthDecisionBenchmarks>(config);
        var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
        var baseline = reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
        if (reports.Count == 0 || baseline is null)
        {
            results.Fail(Scenario, "BenchmarkDotNet produced no results (see its log above)");
            return;
        }

        var baselineMedian = baseline.ResultStatistics!.Median;
        foreach (var report in reports)
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
            var median = report.ResultStatistics!.Median;
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
            // The baseline and the breakdown of the decision into its steps carry no goal of their own.
            var isBaseline = report.BenchmarkCase.Descriptor.Baseline || name.StartsWith("part:", StringComparison.Ordinal);
            results.Add(new Figure(Scenario, $"{name}: median", median, "ns")
            {
                Goal = isBaseline ? "" : "≤ 1 µs",
                MeetsGoal = isBaseline ? null : median <= GoalNanoseconds,
                BaselineName = isBaseline ? null : "lookup",
                Baseline = isBaseline ? null : baselineMedian,
            });
            results.Add(new Figure(Scenario, $"{name}: allocated", allocated, "B")
            {
                Goal = isBaseline ? "" : "0 B",
                MeetsGoal = isBaseline ? null : allocated == 0,
            });
        }
    }
}
