namespace Bastio.Gateway.Limits;

/// <summary>Calendar periods in UTC: days, weeks from Monday, months. The Redis script computes the same from the server's clock.</summary>
internal static class UsagePeriods
{
    public static DateTimeOffset Start(BudgetPeriod period, DateTimeOffset now)
    {
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            BudgetPeriod.Day => day,
            BudgetPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            _ => new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero),
        };
    }

    /// <summary>The start of the period the script names by its number (days, weeks or months since the Unix epoch).</summary>
    public static DateTimeOffset FromIndex(BudgetPeriod period, long index) => period switch
    {
        BudgetPeriod.Day => DateTimeOffset.UnixEpoch.AddDays(index),
        BudgetPeriod.Week => DateTimeOffset.UnixEpoch.AddDays((index * 7) - 3),
        _ => new DateTimeOffset((int)(index / 12), (int)(index % 12) + 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    public static DateTimeOffset End(BudgetPeriod period, DateTimeOffset start) => period switch
    {
        BudgetPeriod.Day => start.AddDays(1),
        BudgetPeriod.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };
}
