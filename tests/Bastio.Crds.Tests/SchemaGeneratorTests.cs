using System.Text.Json.Serialization;
using Bastio.Crds.Generator;
using Bastio.Crds.Schema;

namespace Bastio.Crds.Tests;

public sealed class SchemaGeneratorTests
{
    [Fact]
    public void A_field_without_a_description_fails_generation_naming_the_field()
    {
        var act = () => SchemaGenerator.ForResource(typeof(Undescribed));

        act.Should().Throw<InvalidOperationException>().WithMessage("*Undescribed.Spec*Description*");
    }

    [Fact]
    public void A_field_without_an_explicit_wire_name_fails_generation()
    {
        var act = () => SchemaGenerator.ForResource(typeof(Unnamed));

        act.Should().Throw<InvalidOperationException>().WithMessage("*Unnamed.Value*JsonPropertyName*");
    }

    [Fact]
    public void List_keywords_on_a_scalar_fail_generation()
    {
        var act = () => SchemaGenerator.ForResource(typeof(MisplacedListSet));

        act.Should().Throw<InvalidOperationException>().WithMessage("*MisplacedListSet.Value*[ListSet]*not a list*");
    }

    [Description("test")]
    private sealed class Undescribed
    {
        [JsonPropertyName("spec")]
        public string? Spec { get; set; }
    }

    [Description("test")]
    private sealed class Unnamed
    {
        [Description("test")]
        public string? Value { get; set; }
    }

    [Description("test")]
    private sealed class MisplacedListSet
    {
        [JsonPropertyName("value")]
        [ListSet]
        [Description("test")]
        public string? Value { get; set; }
    }
}
