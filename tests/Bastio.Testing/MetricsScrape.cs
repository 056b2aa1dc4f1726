using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Bastio.Testing;

/// <summary>
/// One scrape of a <c>/metrics</c> endpoint, read strictly: in the Prometheus text format 0.0.4 or, when
/// asked for, OpenMetrics 1.0 (which must end with <c># EOF</c>). Every line is a comment or a sample
/// <c>name{labels} value</c>; anything else fails the parse, so a malformed exposition fails the test.
/// Series keys are written without empty braces: <c>name</c>, or <c>name{a="b",c="d"}</c> as exposed.
/// </summary>
public sealed partial class MetricsScrape
{
    public const string OpenMetricsAccept = "application/openmetrics-text; version=1.0.0";

    private MetricsScrape(string contentType, string text) => (ContentType, Text) = (contentType, text);

    public string ContentType { get; }

    /// <summary>The exposition as served.</summary>
    public string Text { get; }

    /// <summary>Metric family → type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>, <c>info</c>).</summary>
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Help { get; } = new(StringComparer.Ordinal);

    /// <summary>Metric family → unit, from OpenMetrics <c># UNIT</c> lines.</summary>
    public Dictionary<string, string> Units { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, double> Samples { get; } = new(StringComparer.Ordinal);

    /// <summary>Names of the series sampled (a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> each).</summary>
    public IEnumerable<string> SeriesNames => Samples.Keys.Select(key => key.Split('{')[0]).Distinct(StringComparer.Ordinal);

    /// <summary>GETs <paramref name="url"/> as Prometheus would, asking for OpenMetrics or the text format.</summary>
    public static async Task<MetricsScrape> GetAsync(HttpClient http, Uri url, bool openMetrics = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(openMetrics ? OpenMetricsAccept : "text/plain; version=0.0.4"));
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return Parse(text, response.Content.Headers.ContentType?.ToString() ?? "", openMetrics);
    }

    public static MetricsScrape Parse(string text, string contentType = "", bool openMetrics = false)
    {
        var scrape = new MetricsScrape(contentType, text);
        if (!text.EndsWith('\n'))
        {
            throw new FormatException("An exposition ends with a newline.");
        }

        var lines = text[..^1].Split('\n');
        if (openMetrics && lines[^1] != "# EOF")
        {
            throw new FormatException("An OpenMetrics exposition ends with '# EOF'.");
        }

        foreach (var line in openMetrics ? lines[..^1] : lines)
        {
            if (Comment().Match(line) is { Success: true } comment)
            {
                var table = comment.Groups["kind"].Value switch
                {
                    "TYPE" => scrape.Types,
                    "HELP" => scrape.Help,
                    _ => scrape.Units,
                };
                table.Add(comment.Groups["family"].Value, comment.Groups["rest"].Value);
            }
            else if (Sample().Match(line) is { Success: true } sample)
            {
                var labels = sample.Groups["labels"].Value;
                var key = sample.Groups["name"].Value + (labels is "" or "{}" ? "" : labels);
                scrape.Samples.Add(key, double.Parse(sample.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
            }
            else
            {
                throw new FormatException($"Neither a comment nor a sample: '{line}'.");
            }
        }

        return scrape;
    }

    /// <summary>The value of the one series of <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (<c>key="value"</c>), or null.</summary>
    public double? Value(string name, params string[] labels)
    {
        var matches = Samples.Where(sample => (sample.Key == name || sample.Key.StartsWith(name + "{", StringComparison.Ordinal))
            && labels.All(label => sample.Key.Contains(label, StringComparison.Ordinal))).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} series of {name} match {string.Join(",", labels)}."),
        };
    }

    [GeneratedRegex("""^# (?<kind>TYPE|HELP|UNIT) (?<family>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$""")]
    private static partial Regex Comment();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*)?\})? (?<value>\S+)$""")]
    private static partial Regex Sample();
}
