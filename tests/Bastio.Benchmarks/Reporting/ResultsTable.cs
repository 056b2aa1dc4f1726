using System.Globalization;
using System.Text;

namespace Bastio.Benchmarks.Reporting;

/// <summary>Collects every scenario's figures and prints them as one table. Scenarios run one at a time, so it is not thread-safe.</summary>
internal sealed class ResultsTable
{
    private readonly List<Figure> _figures = [];
    private readonly List<string> _failures = [];

    public IReadOnlyList<Figure> Figures => _figures;

    public IReadOnlyList<string> Failures => _failures;

    public void Add(Figure figure) => _figures.Add(figure);

    /// <summary>A scenario that could not run is reported, not hidden: the table says so.</summary>
    public void Fail(string scenario, string reason) => _failures.Add($"{scenario}: {reason}");

    public string Render()
    {
        var header = new[] { "Scenario", "Metric", "Value", "Goal", "Met", "Baseline", "Ratio" };
        var rows = Figures.Select(f => new[]
        {
            f.Scenario,
            f.Metric,
            Format(f.Value, f.Unit),
            f.Goal,
            f.MeetsGoal switch { true => "yes", false => "NO", null => "" },
            f.Baseline is { } baseline ? $"{f.BaselineName} {Format(baseline, f.Unit)}" : "",
            f.Ratio is { } ratio ? ratio.ToString("0.00x", CultureInfo.InvariantCulture) : "",
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Bastio benchmarks on {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        AppendRow(text, header, widths);
        AppendRow(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        var notes = Figures.Where(f => f.Note is not null).Select(f => $"  {f.Scenario} / {f.Metric}: {f.Note}").Distinct().ToList();
        if (notes.Count > 0)
        {
            text.AppendLine("Notes:");
            notes.ForEach(note => text.AppendLine(note));
        }

        if (Failures.Count > 0)
        {
            text.AppendLine("Scenarios that did not run:");
            foreach (var failure in Failures)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {failure}");
            }
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths) =>
        text.AppendLine(string.Join(" | ", cells.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());

    private static string Format(double value, string unit) =>
        unit switch
        {
            "ns" when value >= 1000 => (value / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
            "ms" when value >= 1000 => (value / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
            "B" when value >= 1024 * 1024 => (value / 1024 / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
            "B" when value >= 1024 => (value / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " KiB",
            "req/s" or "count" or "B" => value.ToString("#,0", CultureInfo.InvariantCulture) + (unit == "count" ? "" : " " + unit),
            _ => value.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit,
        };
}
