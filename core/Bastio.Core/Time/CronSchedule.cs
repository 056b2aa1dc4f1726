using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bastio.Core.Time;

/// <summary>
/// A 5-field cron schedule (minute hour day-of-month month day-of-week) with the semantics of the
/// parser Kubernetes CronJobs use (robfig/cron <c>ParseStandard</c>), so what passes here also
/// passes the CronJob API: <c>*</c> and <c>?</c>, lists, ranges, steps (<c>N/S</c> means <c>N-max/S</c>),
/// names (<c>jan</c>–<c>dec</c>, <c>sun</c>–<c>sat</c>), and <c>@yearly</c>, <c>@annually</c>,
/// <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>, <c>@midnight</c>, <c>@hourly</c>. Day-of-week is
/// 0–6 (0 = Sunday). When both day fields are restricted a day matching either one fires, as in
/// Vixie cron. Times are UTC.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly int[] DaysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    private static readonly Field Minute = new("minute", 0, 59, null, 0);
    private static readonly Field Hour = new("hour", 0, 23, null, 0);
    private static readonly Field DayOfMonth = new("day-of-month", 1, 31, null, 0);
    private static readonly Field Month = new("month", 1, 12, MonthNames, 1);
    private static readonly Field DayOfWeek = new("day-of-week", 0, 6, DayNames, 0);

    // Long enough to span the longest gap between two Feb 29ths (2096 → 2104).
    private const int SearchYears = 9;

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _eitherDayMatches;

    private CronSchedule(string expression, ulong minutes, ulong hours, ulong daysOfMonth, ulong months, ulong daysOfWeek, bool eitherDayMatches)
    {
        Expression = expression;
        _minutes = minutes;
        _hours = hours;
        _daysOfMonth = daysOfMonth;
        _months = months;
        _daysOfWeek = daysOfWeek;
        _eitherDayMatches = eitherDayMatches;
    }

    public string Expression { get; }

    /// <exception cref="FormatException">The expression is invalid; the message names the field and the problem.</exception>
    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = null;
        var text = expression?.Trim() ?? "";
        if (text.StartsWith('@'))
        {
            text = text.ToLowerInvariant() switch
            {
                "@yearly" or "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" or "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                _ => "",
            };
            if (text.Length == 0)
            {
                error = $"unknown cron descriptor \"{expression}\": use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly";
                return false;
            }
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"a cron schedule has 5 fields (minute hour day-of-month month day-of-week), \"{expression}\" has {fields.Length}";
            return false;
        }

        if (!Minute.TryParse(fields[0], out var minutes, out _, out error)
            || !Hour.TryParse(fields[1], out var hours, out _, out error)
            || !DayOfMonth.TryParse(fields[2], out var daysOfMonth, out var anyDayOfMonth, out error)
            || !Month.TryParse(fields[3], out var months, out _, out error)
            || !DayOfWeek.TryParse(fields[4], out var daysOfWeek, out var anyDayOfWeek, out error))
        {
            return false;
        }

        var eitherDayMatches = !anyDayOfMonth && !anyDayOfWeek;
        if (anyDayOfWeek && !HasValidDate(daysOfMonth, months))
        {
            error = $"the cron schedule \"{expression}\" never fires: none of its months has the days it names";
            return false;
        }

        schedule = new CronSchedule(expression!.Trim(), minutes, hours, daysOfMonth, months, daysOfWeek, eitherDayMatches);
        return true;
    }

    /// <summary>The first time strictly after <paramref name="after"/> the schedule fires, in UTC, on a whole minute.</summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        var limit = t.AddYears(SearchYears);
        while (t < limit)
        {
            if (!Has(_months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
            }
            else if (!Has(_hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!Has(_minutes, t.Minute))
            {
                t = t.AddMinutes(1);
            }
            else
            {
                return new DateTimeOffset(t, TimeSpan.Zero);
            }
        }

        // Parsing refuses schedules without a real date, so this means a bug rather than bad input.
        throw new InvalidOperationException($"The cron schedule \"{Expression}\" has no occurrence within {SearchYears} years after {after:O}.");
    }

    public override string ToString() => Expression;

    private bool DayMatches(DateTime t)
    {
        var dayOfMonth = Has(_daysOfMonth, t.Day);
        var dayOfWeek = Has(_daysOfWeek, (int)t.DayOfWeek);
        return _eitherDayMatches ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    private static bool HasValidDate(ulong daysOfMonth, ulong months)
    {
        for (var month = 1; month <= 12; month++)
        {
            if (Has(months, month) && (daysOfMonth & ((2UL << DaysInMonth[month - 1]) - 1)) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Field(string Name, int Min, int Max, string[]? Names, int NameBase)
    {
        /// <param name="any">Whether the field is <c>*</c> or <c>?</c> (with no step above 1): it then does not restrict the day.</param>
        public bool TryParse(string text, out ulong bits, out bool any, [NotNullWhen(false)] out string? error)
        {
            bits = 0;
            any = false;
            foreach (var item in text.Split(','))
            {
                if (!TryParseItem(item, out var itemBits, out var itemAny, out error))
                {
                    return false;
                }

                bits |= itemBits;
                any |= itemAny;
            }

            error = null;
            return true;
        }

        private bool TryParseItem(string item, out ulong bits, out bool any, [NotNullWhen(false)] out string? error)
        {
            bits = 0;
            any = false;
            var slash = item.Split('/');
            if (slash.Length > 2)
            {
                error = $"{Name}: \"{item}\" has more than one '/'";
                return false;
            }

            int start, end;
            var bounds = slash[0].Split('-');
            if (slash[0] is "*" or "?")
            {
                (start, end, any) = (Min, Max, true);
            }
            else if (bounds.Length > 2)
            {
                error = $"{Name}: \"{item}\" has more than one '-'";
                return false;
            }
            else
            {
                if (!TryParseValue(bounds[0], out start, out error))
                {
                    return false;
                }

                end = start;
                if (bounds.Length == 2 && !TryParseValue(bounds[1], out end, out error))
                {
                    return false;
                }
            }

            var step = 1;
            if (slash.Length == 2)
            {
                if (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
                {
                    error = $"{Name}: step \"{slash[1]}\" in \"{item}\" is not a positive number";
                    return false;
                }

                if (!any && bounds.Length == 1)
                {
                    end = Max;
                }

                any &= step == 1;
            }

            if (start > end)
            {
                error = $"{Name}: range \"{item}\" starts after it ends";
                return false;
            }

            for (var value = start; value <= end; value += step)
            {
                bits |= 1UL << value;
            }

            error = null;
            return true;
        }

        private bool TryParseValue(string text, out int value, [NotNullWhen(false)] out string? error)
        {
            var nameIndex = Names is null ? -1 : Array.IndexOf(Names, text.ToLowerInvariant());
            if (nameIndex >= 0)
            {
                value = nameIndex + NameBase;
            }
            else if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                error = Names is null
                    ? $"{Name}: \"{text}\" is not a number"
                    : $"{Name}: \"{text}\" is neither a number nor one of {string.Join(", ", Names)}";
                return false;
            }

            if (value < Min || value > Max)
            {
                error = $"{Name}: {value} is outside {Min}-{Max}" + (Name == "day-of-week" ? " (0 = Sunday)" : "");
                return false;
            }

            error = null;
            return true;
        }
    }
}
