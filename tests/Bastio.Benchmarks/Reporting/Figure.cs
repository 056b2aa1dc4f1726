namespace Bastio.Benchmarks.Reporting;

/// <summary>
/// One printed measurement. <see cref="Goal"/> is shown, never asserted; <see cref="Baseline"/> is a
/// figure measured in the same run so the ratio compares like with like on this machine.
/// </summary>
internal sealed record Figure(string Scenario, string Metric, double Value, string Unit)
{
    /// <summary>The goal as text, e.g. "≤ 1 µs".</summary>
    public string Goal { get; init; } = "";

    /// <summary>Whether the value meets the goal; null when there is no numeric goal.</summary>
    public bool? MeetsGoal { get; init; }

    /// <summary>What the ratio is taken against, e.g. "bare YARP".</summary>
    public string? BaselineName { get; init; }

    public double? Baseline { get; init; }

    /// <summary>How the value was obtained, when the metric name alone could mislead.</summary>
    public string? Note { get; init; }

    public double? Ratio => Baseline is > 0 ? Value / Baseline.Value : null;
}
