using System.Globalization;
using System.Text.RegularExpressions;

namespace Bastio.Kubernetes.TestCluster.Validation;

/// <summary>
/// The CronJob schedule grammar the API server accepts: robfig/cron's <c>ParseStandard</c> (five
/// fields with lists, ranges, steps, <c>*</c>/<c>?</c> and month/weekday names; the <c>@yearly</c>...
/// <c>@hourly</c> and <c>@every &lt;duration&gt;</c> descriptors; an optional <c>TZ=</c>/<c>CRON_TZ=</c>
/// prefix naming an IANA zone). Returns robfig's error text, which the server puts in the field error.
/// </summary>
internal static partial class CronSchedule
{
    private sealed record Bounds(int Min, int Max, IReadOnlyDictionary<string, int>? Names = null);

    private static readonly Bounds[] Fields =
    [
        new(0, 59),
        new(0, 23),
        new(1, 31),
        new(1, 12, Names(1, "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
        new(0, 6, Names(0, "sun", "mon", "tue", "wed", "thu", "fri", "sat")),
    ];

    private static readonly HashSet<string> Descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    /// <summary>Null when <paramref name="spec"/> parses; otherwise why not.</summary>
    public static string? Check(string spec)
    {
        if (spec.Length == 0)
        {
            return "empty spec string";
        }

        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            var zone = space < 0 ? spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..] : spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            if (TimeZoneError(zone) is { } error)
            {
                return $"provided bad location {zone}: {error}";
            }

            spec = space < 0 ? "" : spec[space..].Trim();
        }

        if (spec.StartsWith('@'))
        {
            return CheckDescriptor(spec);
        }

        var fields = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != Fields.Length)
        {
            return $"expected exactly {Fields.Length} fields, found {fields.Length}: [{string.Join(' ', fields)}]";
        }

        for (var i = 0; i < fields.Length; i++)
        {
            foreach (var range in fields[i].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (CheckRange(range, Fields[i]) is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    /// <summary>Go's <c>time.LoadLocation</c> error for <paramref name="zone"/>, or null when it loads.</summary>
    public static string? TimeZoneError(string zone) =>
        zone is "" or "UTC" or "Local" || TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) ? null : $"unknown time zone {zone}";

    private static string? CheckDescriptor(string spec)
    {
        if (Descriptors.Contains(spec))
        {
            return null;
        }

        const string every = "@every ";
        if (spec.StartsWith(every, StringComparison.Ordinal))
        {
            var duration = spec[every.Length..];
            return GoDuration().IsMatch(duration) ? null : $"failed to parse duration {spec}: time: invalid duration \"{duration}\"";
        }

        return $"unrecognized descriptor: {spec}";
    }

    private static string? CheckRange(string expr, Bounds bounds)
    {
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        int start, end;
        if (lowAndHigh[0] is "*" or "?")
        {
            (start, end) = (bounds.Min, bounds.Max);
        }
        else
        {
            if (ParseIntOrName(lowAndHigh[0], bounds.Names, out start) is { } error)
            {
                return error;
            }

            switch (lowAndHigh.Length)
            {
                case 1:
                    end = start;
                    break;
                case 2:
                    if (ParseIntOrName(lowAndHigh[1], bounds.Names, out end) is { } endError)
                    {
                        return endError;
                    }

                    break;
                default:
                    return $"too many hyphens: {expr}";
            }
        }

        var step = 1;
        switch (rangeAndStep.Length)
        {
            case 1:
                break;
            case 2:
                if (ParseInt(rangeAndStep[1], out step) is { } stepError)
                {
                    return stepError;
                }

                // "N/step" means "N-max/step".
                if (lowAndHigh.Length == 1)
                {
                    end = bounds.Max;
                }

                break;
            default:
                return $"too many slashes: {expr}";
        }

        if (start < bounds.Min)
        {
            return $"beginning of range ({start}) below minimum ({bounds.Min}): {expr}";
        }

        if (end > bounds.Max)
        {
            return $"end of range ({end}) above maximum ({bounds.Max}): {expr}";
        }

        if (start > end)
        {
            return $"beginning of range ({start}) beyond end of range ({end}): {expr}";
        }

        return step == 0 ? $"step of range should be a positive number: {expr}" : null;
    }

    private static string? ParseIntOrName(string text, IReadOnlyDictionary<string, int>? names, out int value)
    {
        if (names is not null && names.TryGetValue(text.ToLowerInvariant(), out value))
        {
            return null;
        }

        return ParseInt(text, out value);
    }

    private static string? ParseInt(string text, out int value)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return $"failed to parse int from {text}: strconv.Atoi: parsing \"{text}\": invalid syntax";
        }

        return value < 0 ? $"negative number ({value}) not allowed: {text}" : null;
    }

    private static Dictionary<string, int> Names(int first, params string[] names) =>
        names.Select((name, i) => (name, first + i)).ToDictionary(p => p.name, p => p.Item2);

    // Go's time.ParseDuration: "0", or signed decimal numbers each with a unit.
    [GeneratedRegex(@"^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")]
    private static partial Regex GoDuration();
}
