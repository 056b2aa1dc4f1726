using Bastio.Core.Time;

namespace Bastio.Core.Tests.Time;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("300s", 300_000)]
    [InlineData("10m", 600_000)]
    [InlineData("24h", 86_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData(".5s", 500)]
    [InlineData("1.s", 1000)]
    [InlineData("2h45m10.5s", 9_910_500)]
    [InlineData("1500ms", 1500)]
    [InlineData("0", 0)]
    [InlineData("+5s", 5000)]
    [InlineData("-5s", -5000)]
    [InlineData("1m1m", 120_000)]
    public void Parses_go_durations(string text, long milliseconds) =>
        GoDuration.Parse(text).Should().Be(TimeSpan.FromMilliseconds(milliseconds));

    [Theory]
    [InlineData("1us", 10)]
    [InlineData("1µs", 10)]
    [InlineData("1μs", 10)]
    [InlineData("100ns", 1)]
    [InlineData("150ns", 1)]
    public void Parses_sub_millisecond_units_to_ticks(string text, long ticks) =>
        GoDuration.Parse(text).Should().Be(TimeSpan.FromTicks(ticks));

    [Theory]
    [InlineData("90d", "unknown unit \"d\"")]
    [InlineData("1w", "unknown unit \"w\"")]
    [InlineData("10", "missing unit")]
    [InlineData("", "expected a number and a unit")]
    [InlineData("-", "expected a number and a unit")]
    [InlineData("s", "expected a number before each unit")]
    [InlineData(".s", "expected a number before each unit")]
    [InlineData("1h 30m", "unknown unit \"h \"")]
    [InlineData("3000000h", "out of range")]
    [InlineData("99999999999999999999s", "out of range")]
    public void Refuses_what_go_refuses_with_a_precise_message(string text, string message)
    {
        GoDuration.TryParse(text, out _).Should().BeFalse();
        var act = () => GoDuration.Parse(text);
        act.Should().Throw<FormatException>().WithMessage($"*{message}*");
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "100ns")]
    [InlineData(15, "1.5µs")]
    [InlineData(15_000, "1.5ms")]
    [InlineData(10_000_000, "1s")]
    [InlineData(15_000_000, "1.5s")]
    [InlineData(3_600_000_000, "6m0s")]
    [InlineData(36_000_000_000, "1h0m0s")]
    [InlineData(54_005_000_000, "1h30m0.5s")]
    [InlineData(-10_000_000, "-1s")]
    [InlineData(864_000_000_000, "24h0m0s")]
    public void Formats_like_go(long ticks, string expected) =>
        GoDuration.Format(TimeSpan.FromTicks(ticks)).Should().Be(expected);

    [Fact]
    public void Format_round_trips_through_parse()
    {
        foreach (var value in new[] { TimeSpan.FromSeconds(59), TimeSpan.FromMinutes(6), TimeSpan.FromHours(49.25), TimeSpan.FromTicks(123_456_789), TimeSpan.FromDays(100_000) })
        {
            GoDuration.Parse(GoDuration.Format(value)).Should().Be(value);
        }
    }

    [Fact]
    public void Formats_extremes_without_overflow()
    {
        GoDuration.Format(TimeSpan.MaxValue).Should().Be("256204778h48m5.4775807s");
        GoDuration.Format(TimeSpan.MinValue).Should().Be("-256204778h48m5.4775808s");
    }
}
