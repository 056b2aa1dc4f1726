using System.Net;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

public sealed class SchemaValidationTests : ClusterTestBase
{
    private async Task<Reply> CreateAsync(string specJson, string name = "v", string query = "?fieldValidation=Strict")
    {
        var widget = Samples.Widget(name);
        widget["spec"] = JsonNode.Parse(specJson);
        return await Client.PostAsync(Samples.WidgetsPath + query, widget);
    }

    private static List<(string Field, string Reason, string Message)> Causes(Reply reply)
    {
        reply.Status.Should().Be(HttpStatusCode.UnprocessableEntity, reply.Text);
        return [.. reply.Body["details"]!["causes"]!.AsArray().Select(c => ((string)c!["field"]!, (string)c["reason"]!, (string)c["message"]!))];
    }

    [Fact]
    public async Task Invalid_is_a_422_Status_in_the_upstream_shape()
    {
        var reply = await CreateAsync("""{"color":"green"}""", "bad");

        reply.Body["reason"]!.GetValue<string>().Should().Be("Invalid");
        reply.Body["details"]!["kind"]!.GetValue<string>().Should().Be("Widget");
        reply.Body["details"]!["group"]!.GetValue<string>().Should().Be("example.com");
        reply.Body["message"]!.GetValue<string>().Should().Be(
            "Widget.example.com \"bad\" is invalid: [spec.size: Required value, spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\", <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]");
        Causes(reply).Should().Equal(
            ("spec.size", "FieldValueRequired", "Required value"),
            ("spec.color", "FieldValueNotSupported", "Unsupported value: \"green\": supported values: \"red\", \"blue\""),
            ("<nil>", "FieldValueInvalid", "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
    }

    [Theory]
    [InlineData("""{"size":"3"}""", "spec.size", "Invalid value: \"string\": spec.size in body must be of type integer: \"string\"")]
    [InlineData("""{"size":1.5}""", "spec.size", "Invalid value: \"number\": spec.size in body must be of type integer: \"number\"")]
    [InlineData("""{"size":2000,"color":"blue"}""", "spec.size", "Invalid value: 2000: spec.size in body should be less than or equal to 1000")]
    [InlineData("""{"size":1,"code":"AB"}""", "spec.code", "Invalid value: \"AB\": spec.code in body should match '^[a-z]+$'")]
    [InlineData("""{"size":1,"code":"a"}""", "spec.code", "Invalid value: \"a\": spec.code in body should be at least 2 chars long")]
    [InlineData("""{"size":1,"code":"abcdef"}""", "spec.code", "Too long: may not be more than 5 bytes")]
    [InlineData("""{"size":1,"tags":[]}""", "spec.tags", "Invalid value: 0: spec.tags in body should have at least 1 items")]
    [InlineData("""{"size":1,"tags":["a","b","c"]}""", "spec.tags", "Too many: 3: must have at most 2 items")]
    [InlineData("""{"size":1,"at":"yesterday"}""", "spec.at", "Invalid value: \"yesterday\": spec.at in body must be of type date-time: \"yesterday\"")]
    [InlineData("""{"size":1,"labels":{"a":"x"}}""", "spec.labels.a", "Invalid value: \"string\": spec.labels.a in body must be of type integer: \"string\"")]
    public async Task Schema_keywords_are_enforced_with_upstream_messages(string spec, string field, string message)
    {
        var causes = Causes(await CreateAsync(spec));

        causes.Should().Contain(c => c.Field == field && c.Message == message);
        causes.Where(c => c.Field != "<nil>").Should().ContainSingle();
    }

    [Fact]
    public async Task Valid_values_pass_and_defaults_are_applied()
    {
        var reply = await CreateAsync("""{"size":1,"code":"abc","at":"2025-01-01T10:00:00Z","tags":["x"],"labels":{"a":1},"extra":{"anything":{"goes":true}}}""");

        reply.Status.Should().Be(HttpStatusCode.Created, reply.Text);
        reply.Body["spec"]!["color"]!.GetValue<string>().Should().Be("red");
        reply.Body["spec"]!["extra"]!["anything"]!["goes"]!.GetValue<bool>().Should().BeTrue("preserve-unknown-fields keeps it");
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_warned_about_or_refused_by_fieldValidation()
    {
        var strict = await CreateAsync("""{"size":1,"foo":1}""", "s");
        strict.Status.Should().Be(HttpStatusCode.BadRequest);
        strict.Body["message"]!.GetValue<string>().Should().Be("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.foo\"");

        var warn = await CreateAsync("""{"size":1,"foo":1,"parts":[{"name":"a","bar":2}]}""", "w", "?fieldValidation=Warn");
        warn.Status.Should().Be(HttpStatusCode.Created);
        warn.Headers["Warning"].Should().Contain("299 - \"unknown field \\\"spec.foo\\\"\"").And.Contain("spec.parts[0].bar");
        warn.Body["spec"]!["foo"].Should().BeNull();
        warn.Body["spec"]!["parts"]![0]!["bar"].Should().BeNull();

        var ignore = await CreateAsync("""{"size":1,"foo":1}""", "i", "?fieldValidation=Ignore");
        ignore.Status.Should().Be(HttpStatusCode.Created);
        ignore.Headers.Should().NotContainKey("Warning");
        ignore.Body["spec"]!["foo"].Should().BeNull();
    }

    [Fact]
    public async Task CEL_rules_are_evaluated_and_unsupported_ones_do_not_crash()
    {
        // The CRD also has a rule using duration(), outside the evaluated subset: it is skipped.
        var tooBig = Causes(await CreateAsync("""{"size":200}"""));
        tooBig.Should().ContainSingle().Which.Should().Be(("spec", "FieldValueInvalid", "Invalid value: \"object\": only blue widgets may exceed 100"));

        (await CreateAsync("""{"size":200,"color":"blue"}""")).Status.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Transition_rules_compare_with_the_old_object_on_update_only()
    {
        (await CreateAsync("""{"size":1,"owner":"ann"}""", "t")).Status.Should().Be(HttpStatusCode.Created);

        var change = await Client.PatchAsync(Samples.WidgetsPath + "/t", JsonNode.Parse("""{"spec":{"owner":"bob"}}""")!);
        Causes(change).Should().ContainSingle().Which.Message.Should().Be("Invalid value: \"object\": owner is immutable");

        (await Client.PatchAsync(Samples.WidgetsPath + "/t", JsonNode.Parse("""{"spec":{"size":2}}""")!)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Status_writes_are_validated_against_the_status_schema()
    {
        (await CreateAsync("""{"size":1}""", "st")).Status.Should().Be(HttpStatusCode.Created);

        var reply = await Client.PatchAsync(Samples.WidgetsPath + "/st/status", JsonNode.Parse("""{"status":{"phase":7}}""")!);

        Causes(reply).Should().Contain(c => c.Field == "status.phase" && c.Reason == "FieldValueTypeInvalid");
    }
}
