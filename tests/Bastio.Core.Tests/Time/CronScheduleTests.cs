using Bastio.Core.Time;

namespace Bastio.Core.Tests.Time;

public sealed class CronScheduleTests
{
    // A Wednesday.
    private static readonly DateTimeOffset Start = new(2026, 1, 14, 10, 17, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("* * * * *", "2026-01-14T10:18:00Z")]
    [InlineData("*/15 * * * *", "2026-01-14T10:30:00Z")]
    [InlineData("0 3 * * *", "2026-01-15T03:00:00Z")]
    [InlineData("0 0 1 * *", "2026-02-01T00:00:00Z")]
    [InlineData("0 9 * * mon-fri", "2026-01-15T09:00:00Z")]
    [InlineData("0 9 * * MON", "2026-01-19T09:00:00Z")]
    [InlineData("30 2 * jun *", "2026-06-01T02:30:00Z")]
    [InlineData("0 0 29 feb *", "2028-02-29T00:00:00Z")]
    [InlineData("0 0 31 * *", "2026-01-31T00:00:00Z")]
    [InlineData("5,10 1-3/2 * * *", "2026-01-15T01:05:00Z")]
    [InlineData("20/20 10 * * *", "2026-01-14T10:20:00Z")]
    [InlineData("0 0 ? * sun", "2026-01-18T00:00:00Z")]
    [InlineData("@hourly", "2026-01-14T11:00:00Z")]
    [InlineData("@daily", "2026-01-15T00:00:00Z")]
    [InlineData("@midnight", "2026-01-15T00:00:00Z")]
    [InlineData("@weekly", "2026-01-18T00:00:00Z")]
    [InlineData("@monthly", "2026-02-01T00:00:00Z")]
    [InlineData("@yearly", "2027-01-01T00:00:00Z")]
    [InlineData("@annually", "2027-01-01T00:00:00Z")]
    public void Next_occurrence(string expression, string expected) =>
        CronSchedule.Parse(expression).GetNextOccurrence(Start).Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Restricted_day_of_month_and_day_of_week_fire_on_either()
    {
        // The 20th of January 2026 is a Tuesday; the next Friday is the 16th.
        var schedule = CronSchedule.Parse("0 0 20 * fri");

        schedule.GetNextOccurrence(Start).Should().Be(new DateTimeOffset(2026, 1, 16, 0, 0, 0, TimeSpan.Zero));
        schedule.GetNextOccurrence(new DateTimeOffset(2026, 1, 17, 0, 0, 0, TimeSpan.Zero))
            .Should().Be(new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_stepped_wildcard_restricts_the_day()
    {
        // "*/2" in day-of-month is a restriction, so with a day-of-week either may match (robfig semantics).
        CronSchedule.Parse("0 0 */10 * mon").GetNextOccurrence(Start)
            .Should().Be(new DateTimeOffset(2026, 1, 19, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Occurrence_is_strictly_after_and_in_utc()
    {
        var schedule = CronSchedule.Parse("0 12 * * *");
        var atNoon = new DateTimeOffset(2026, 1, 14, 14, 0, 0, TimeSpan.FromHours(2));

        var next = schedule.GetNextOccurrence(atNoon);

        next.Should().Be(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        next.Offset.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("", "has 0")]
    [InlineData("* * * *", "has 4")]
    [InlineData("0 * * * * *", "has 6")]
    [InlineData("60 * * * *", "minute: 60 is outside 0-59")]
    [InlineData("* 24 * * *", "hour: 24 is outside 0-23")]
    [InlineData("* * 0 * *", "day-of-month: 0 is outside 1-31")]
    [InlineData("* * * 13 *", "month: 13 is outside 1-12")]
    [InlineData("* * * * 7", "day-of-week: 7 is outside 0-6 (0 = Sunday)")]
    [InlineData("* * * foo *", "month: \"foo\" is neither a number nor one of jan")]
    [InlineData("5-1 * * * *", "minute: range \"5-1\" starts after it ends")]
    [InlineData("*/0 * * * *", "minute: step \"0\"")]
    [InlineData("1-2-3 * * * *", "more than one '-'")]
    [InlineData("*/2/3 * * * *", "more than one '/'")]
    [InlineData("@every 5m", "unknown cron descriptor")]
    [InlineData("0 0 30 feb *", "never fires")]
    public void Invalid_schedules_say_what_is_wrong(string expression, string message)
    {
        CronSchedule.TryParse(expression, out var schedule, out var error).Should().BeFalse();
        schedule.Should().BeNull();
        error.Should().Contain(message);
        var act = () => CronSchedule.Parse(expression);
        act.Should().Throw<FormatException>().WithMessage($"*{message}*");
    }
}
