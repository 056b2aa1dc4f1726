using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Bastio.Core.Metrics;

/// <summary>The Prometheus text exposition format 0.0.4, named by the rule documented on <see cref="PrometheusMetrics"/>.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Write(StringBuilder output, Metric metric)
    {
        var (type, counter) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", true),
            MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => ("gauge", false),
            MetricType.Histogram => ("histogram", false),

            // Exponential histograms have no 0.0.4 representation; the views never configure them.
            _ => (null, false),
        };
        if (type is null)
        {
            return;
        }

        var name = MetricName(metric.Name, metric.Unit, counter);
        if (!string.IsNullOrEmpty(metric.Description))
        {
            output.Append("# HELP ").Append(name).Append(' ');
            AppendEscaped(output, metric.Description, escapeQuotes: false);
            output.Append('\n');
        }

        output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    AppendSample(output, name, point.Tags, null, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    AppendSample(output, name, point.Tags, null, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    AppendSample(output, name, point.Tags, null, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    AppendSample(output, name, point.Tags, null, point.GetGaugeLastValueDouble());
                    break;
                default:
                    AppendHistogram(output, name, point);
                    break;
            }
        }
    }

    public static string MetricName(string instrumentName, string? unit, bool counter)
    {
        var name = new StringBuilder(instrumentName.Length + 16);
        for (var i = 0; i < instrumentName.Length; i++)
        {
            var c = instrumentName[i];
            name.Append(char.IsAsciiLetter(c) || c is '_' or ':' || (char.IsAsciiDigit(c) && i > 0) ? c : '_');
        }

        var unitSuffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => null,
        };
        AppendSuffix(name, unitSuffix);
        AppendSuffix(name, counter ? "_total" : null);
        return name.ToString();
    }

    private static void AppendSuffix(StringBuilder name, string? suffix)
    {
        if (suffix is not null && !name.ToString().EndsWith(suffix, StringComparison.Ordinal))
        {
            name.Append(suffix);
        }
    }

    private static void AppendHistogram(StringBuilder output, string name, in MetricPoint point)
    {
        var cumulative = 0L;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            AppendSample(output, name + "_bucket", point.Tags, bucket.ExplicitBound, cumulative);
        }

        AppendSample(output, name + "_sum", point.Tags, null, point.GetHistogramSum());
        AppendSample(output, name + "_count", point.Tags, null, point.GetHistogramCount());
    }

    private static void AppendSample(StringBuilder output, string name, ReadOnlyTagCollection tags, double? le, long value)
    {
        AppendSeries(output, name, tags, le);
        output.Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void AppendSample(StringBuilder output, string name, ReadOnlyTagCollection tags, double? le, double value)
    {
        AppendSeries(output, name, tags, le);
        output.Append(FormatDouble(value)).Append('\n');
    }

    private static void AppendSeries(StringBuilder output, string name, ReadOnlyTagCollection tags, double? le)
    {
        output.Append(name);
        if (tags.Count == 0 && le is null)
        {
            output.Append(' ');
            return;
        }

        output.Append('{');
        var first = true;
        foreach (var tag in tags)
        {
            if (!first)
            {
                output.Append(',');
            }

            first = false;
            AppendLabelName(output, tag.Key);
            output.Append("=\"");
            AppendEscaped(output, LabelValue(tag.Value), escapeQuotes: true);
            output.Append('"');
        }

        if (le is { } bound)
        {
            output.Append(first ? "le=\"" : ",le=\"").Append(FormatDouble(bound)).Append('"');
        }

        output.Append("} ");
    }

    private static void AppendLabelName(StringBuilder output, string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            output.Append(char.IsAsciiLetter(c) || c == '_' || (char.IsAsciiDigit(c) && i > 0) ? c : '_');
        }
    }

    private static string LabelValue(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void AppendEscaped(StringBuilder output, string text, bool escapeQuotes)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '\n' => output.Append(@"\n"),
                '"' when escapeQuotes => output.Append("\\\""),
                _ => output.Append(c),
            };
        }
    }
}
