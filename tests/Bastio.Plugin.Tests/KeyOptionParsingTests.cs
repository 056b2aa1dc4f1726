using Bastio.Plugin.Cli;
using Bastio.Plugin.Keys;

namespace Bastio.Plugin.Tests;

public sealed class KeyOptionParsingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, 500, TimeSpan.Zero);

    [Theory]
    [InlineData("1000/hour", 1000, "hour")]
    [InlineData("10/s", 10, "second")]
    [InlineData("60/minute", 60, "minute")]
    [InlineData("5/d", 5, "day")]
    public void Rates_parse_with_full_or_one_letter_periods(string value, long requests, string period)
    {
        var limit = KeyOptionParsing.ParseRate(value, burst: 100);

        limit.Requests.Should().Be(requests);
        limit.Period.Should().Be(period);
        limit.Burst.Should().Be(100);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0/hour")]
    [InlineData("-5/hour")]
    [InlineData("10/fortnight")]
    [InlineData("10")]
    public void Bad_rates_are_usage_errors(string value)
    {
        var act = () => KeyOptionParsing.ParseRate(value, null);

        act.Should().Throw<CommandException>().Which.ExitCode.Should().Be(ExitCodes.Usage);
    }

    [Fact]
    public void A_negative_burst_is_a_usage_error() =>
        FluentActions.Invoking(() => KeyOptionParsing.ParseRate("10/s", -1)).Should().Throw<CommandException>().WithMessage("*--burst*");

    [Fact]
    public void Permissions_are_split_deduplicated_and_checked()
    {
        KeyOptionParsing.ParsePermissions(["chat,embeddings", "chat", " models "]).Should().Equal("chat", "embeddings", "models");

        var act = () => KeyOptionParsing.ParsePermissions(["chat,teleport"]);
        act.Should().Throw<CommandException>().WithMessage("*'teleport'*");
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("30m", 30)]
    [InlineData("2w", 14 * 24 * 60)]
    public void Relative_expiries_count_from_now_in_whole_seconds(string value, int minutes)
    {
        var expiry = KeyOptionParsing.ParseExpiry(value, Now);

        expiry.Should().Be(new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero).AddMinutes(minutes));
    }

    [Fact]
    public void An_absolute_expiry_is_taken_as_is() =>
        KeyOptionParsing.ParseExpiry("2027-01-31T12:00:00Z", Now).Should().Be(new DateTimeOffset(2027, 1, 31, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("2020-01-01T00:00:00Z", "in the past")]
    [InlineData("soon", "neither")]
    [InlineData("90x", "neither")]
    [InlineData("0d", "neither")]
    public void Bad_expiries_are_usage_errors(string value, string message) =>
        FluentActions.Invoking(() => KeyOptionParsing.ParseExpiry(value, Now)).Should().Throw<CommandException>().WithMessage($"*{message}*");

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("192.168.1.7")]
    [InlineData("2001:db8::/32")]
    [InlineData("::1")]
    public void Addresses_and_cidrs_are_accepted(string value) => KeyOptionParsing.ParseAllowedAddress(value).Should().Be(value);

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("example.com")]
    [InlineData("10.0.0.0/x")]
    public void Bad_addresses_are_usage_errors(string value) =>
        FluentActions.Invoking(() => KeyOptionParsing.ParseAllowedAddress(value)).Should().Throw<CommandException>().Which.ExitCode.Should().Be(ExitCodes.Usage);

    [Fact]
    public void Schedules_need_five_fields()
    {
        KeyOptionParsing.ParseSchedule(" 0 3 * * 1 ").Should().Be("0 3 * * 1");
        FluentActions.Invoking(() => KeyOptionParsing.ParseSchedule("@daily")).Should().Throw<CommandException>().WithMessage("*5-field*");
    }
}
