using System.Text.Json.Nodes;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.Tests;

public sealed class OutputTests
{
    [Fact]
    public void Tables_align_columns_like_kubectl_and_mark_empty_cells()
    {
        var table = new Table("NAME", "KEY-ID", "PHASE");
        table.AddRow("demo", "2iqbAbCdEfGh", "Active");
        table.AddRow("a-much-longer-name", null, "Pending");
        using var writer = new StringWriter();

        table.WriteTo(writer);

        writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "NAME                 KEY-ID         PHASE",
            "demo                 2iqbAbCdEfGh   Active",
            "a-much-longer-name   <none>         Pending");
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_a_programming_error() =>
        FluentActions.Invoking(() => new Table("A", "B").AddRow("only one")).Should().Throw<ArgumentException>();

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(125, "2m5s")]
    [InlineData(9 * 60, "9m")]
    [InlineData((3 * 60 + 20) * 60, "3h20m")]
    [InlineData((52) * 3600, "2d4h")]
    [InlineData(400 * 86400, "400d")]
    [InlineData((2 * 365 + 30) * 86400, "2y30d")]
    public void Ages_read_like_kubectl(int seconds, string expected)
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(2000);

        Formatting.Age(now.AddSeconds(-seconds), now).Should().Be(expected);
    }

    [Fact]
    public void Yaml_output_quotes_strings_that_would_read_back_as_other_types()
    {
        var node = new JsonObject
        {
            ["name"] = "demo",
            ["schedule"] = "0 3 * * 1",
            ["looksBoolean"] = "true",
            ["looksNumber"] = "10",
            ["realNumber"] = 10,
            ["enabled"] = false,
            ["list"] = new JsonArray("chat", "models"),
        };
        using var writer = new StringWriter();

        ObjectPrinter.WriteYaml(writer, node);

        var yaml = writer.ToString();
        yaml.Should().Contain("name: demo").And.Contain("looksBoolean: \"true\"").And.Contain("looksNumber: \"10\"")
            .And.Contain("realNumber: 10").And.Contain("enabled: false").And.Contain("- chat");
        var parsed = LocalRun.Manifests.YamlDocuments.Parse(yaml, "output").Single();
        parsed.ToJsonString().Should().Be(node.ToJsonString(), "YAML output reads back as the same JSON");
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("0s", 0)]
    public void Durations_parse_go_style(string value, double seconds)
    {
        Durations.TryParse(value, out var duration).Should().BeTrue();
        duration.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("3 days")]
    [InlineData("5y")]
    public void Bad_durations_do_not_parse(string value) => Durations.TryParse(value, out _).Should().BeFalse();
}
