using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Validation.Cel;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class CelProgramTests
{
    private static readonly JsonNode Self = JsonNode.Parse("""{"size":3,"name":"alpha","tags":["a","b"],"mode":"Fast","limits":{"cpu":2},"items":[{"n":1},{"n":2}]}""")!;

    [Theory]
    [InlineData("self.size > 2 && self.size <= 3")]
    [InlineData("self.size == 3 || self.missing == 1")]
    [InlineData("!(self.size < 3)")]
    [InlineData("has(self.name) && !has(self.other)")]
    [InlineData("size(self.tags) == 2 && self.tags.size() == 2")]
    [InlineData("self.mode in ['Fast', 'Slow']")]
    [InlineData("'cpu' in self.limits")]
    [InlineData("self.name.startsWith('al') && self.name.endsWith(\"ha\") && self.name.contains('lp')")]
    [InlineData("self.name.matches('^[a-z]+$')")]
    [InlineData("self.items.all(i, i.n > 0) && self.items.exists(i, i.n == 2) && self.items.exists_one(i, i.n == 1)")]
    [InlineData("self.size * 2 + 1 == 7 && self.size % 2 == 1 && self.size / 2 == 1")]
    [InlineData("self.size / 2 == 1 && -self.size == -3")]
    [InlineData("self.size > 5 ? false : true")]
    [InlineData("self.tags[0] == 'a' && self.limits['cpu'] == 2")]
    [InlineData("int('4') == 4 && string(self.size) == '3'")]
    public void Evaluates_the_supported_subset(string rule) =>
        CelProgram.Parse(rule).Evaluate(Self, null).Should().Be(CelResult.True);

    [Theory]
    [InlineData("self.size > 3")]
    [InlineData("self.mode in ['Slow']")]
    [InlineData("has(self.other)")]
    public void False_rules_are_false(string rule) =>
        CelProgram.Parse(rule).Evaluate(Self, null).Should().Be(CelResult.False);

    [Fact]
    public void Missing_fields_are_evaluation_errors_not_crashes() =>
        CelProgram.Parse("self.missing == 1").Evaluate(Self, null).Should().Be(CelResult.Error);

    [Fact]
    public void OldSelf_marks_a_transition_rule()
    {
        var program = CelProgram.Parse("self.size >= oldSelf.size");

        program.UsesOldSelf.Should().BeTrue();
        program.Evaluate(Self, JsonNode.Parse("""{"size":4}""")).Should().Be(CelResult.False);
        program.Evaluate(Self, JsonNode.Parse("""{"size":2}""")).Should().Be(CelResult.True);
    }

    [Theory]
    [InlineData("self.at > timestamp('2020-01-01T00:00:00Z')")]
    [InlineData("quantity(self.q).isGreaterThan(quantity('1'))")]
    [InlineData("self.a ?? 1")]
    [InlineData("'unterminated")]
    public void Unsupported_expressions_are_reported_as_such(string rule)
    {
        var act = () => CelProgram.Parse(rule);

        act.Should().Throw<CelNotSupportedException>();
    }
}
