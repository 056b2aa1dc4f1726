using System.Text.Json;

namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>What Prometheus's own PromQL parser makes of an expression.</summary>
internal sealed record ParsedQuery(string Expression, IReadOnlyList<int> Errors, IReadOnlyList<string> Metrics);

/// <summary>
/// Parses PromQL with @prometheus-io/lezer-promql (the parser of Prometheus's web UI) through
/// tools/promql.mjs, so alert and dashboard expressions are checked as Prometheus reads them.
/// </summary>
internal static class PromQl
{
    private static readonly string Script = Repository.At("tests", "Bastio.Chart.Tests", "tools", "promql.mjs");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<ParsedQuery>> ParseAsync(IReadOnlyList<string> expressions)
    {
        var result = await Processes.RunAsync(Tools.Node, [Script, Tools.NodeModules("@prometheus-io/lezer-promql")],
            standardInput: JsonSerializer.Serialize(expressions));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }

        var parsed = JsonSerializer.Deserialize<List<Parsed>>(result.StandardOutput, Json)!;
        return expressions.Zip(parsed, (expression, query) => new ParsedQuery(expression, query.Errors, query.Metrics)).ToList();
    }

    private sealed record Parsed(List<int> Errors, List<string> Metrics);
}
