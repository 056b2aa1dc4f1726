using System.Text;
using Bastio.Gateway.Errors;
using Bastio.Gateway.Pipeline;

namespace Bastio.Gateway.Tests.Unit;

public sealed class ModelReaderTests
{
    [Theory]
    [InlineData("{\"model\":\"a\",\"messages\":[{\"model\":\"nested\"}]}", "a")]
    [InlineData("{\"messages\":[],\"Models\":\"x\"}", null)]
    [InlineData("{\"mod\\u0065l\":\"a\"}", "a")]
    [InlineData("{\"model\":\"gpt-\\u0034o\"}", "gpt-4o")]
    public void The_model_is_the_top_level_string_of_a_json_object(string body, string? model)
    {
        var (error, found) = ModelReader.FindModel(Encoding.UTF8.GetBytes(body));

        error.Should().BeNull();
        found.Should().Be(model);
    }

    [Theory]
    [InlineData("{\"model\":\"a\"", "invalid_json")]
    [InlineData("{\"model\":\"a\"} trailing", "invalid_json")]
    [InlineData("[\"model\"]", "invalid_json")]
    [InlineData("{\"model\":\"a\",}", "invalid_json")]
    [InlineData("{\"model\":\"a\" /* comment */}", "invalid_json")]
    [InlineData("{\"model\":\"a\"} // comment", "invalid_json")]
    [InlineData("{'model':'a'}", "invalid_json")]
    [InlineData("{\"model\":\"\\ud800\"}", "invalid_json")]
    [InlineData("{\"model\":\"a\\udc00b\"}", "invalid_json")]
    [InlineData("{\"mod\\ud800el\":\"a\"}", "invalid_json")]
    [InlineData("{\"model\":42}", "invalid_model")]
    [InlineData("{\"model\":null}", "invalid_model")]
    [InlineData("{\"model\":[\"gpt-4o-mini\"]}", "invalid_model")]
    [InlineData("{\"model\":{\"id\":\"gpt-4o\"}}", "invalid_model")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"model\":\"gpt-4o\"}", "ambiguous_model")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"Model\":\"gpt-4o\"}", "ambiguous_model")]
    [InlineData("{\"MODEL\":\"gpt-4o\",\"model\":\"gpt-4o-mini\"}", "ambiguous_model")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"\\u004dodel\":\"gpt-4o\"}", "ambiguous_model")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"mode\\u006C\":\"gpt-4o\"}", "ambiguous_model")]
    public void Bodies_an_upstream_could_read_as_another_model_are_refused(string body, string code)
    {
        ModelReader.FindModel(Encoding.UTF8.GetBytes(body)).Error!.Code.Should().Be(code);
    }

    [Fact]
    public void Invalid_utf8_a_byte_order_mark_and_deep_nesting_are_invalid_json()
    {
        var open = "{\"model\":\"gpt-4o-mini"u8.ToArray();
        var close = "\"}"u8.ToArray();
        byte[][] bodies =
        [
            [.. open, 0xFF, .. close],
            [.. open, 0xC3, .. close],
            [.. open, 0xED, 0xA0, 0x80, .. close],
            [0xEF, 0xBB, 0xBF, .. open, .. close],
            Encoding.UTF8.GetBytes("{\"model\":\"gpt-4o-mini\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}"),
        ];

        foreach (var body in bodies)
        {
            ModelReader.FindModel(body).Error.Should().Be(GatewayErrors.InvalidJsonBody);
        }
    }
}
