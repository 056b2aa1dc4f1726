using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>One rendered Kubernetes object.</summary>
internal sealed record Manifest(JsonObject Body)
{
    public string Kind => (string)Body["kind"]!;

    public string Name => (string)Body["metadata"]!["name"]!;

    public string? Namespace => (string?)Body["metadata"]!["namespace"];

    public JsonNode? this[string path] => path.Split('.').Aggregate((JsonNode?)Body, (node, part) => node?[part]);

    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary>Multi-document YAML to JSON objects, with YAML 1.2 core-schema scalars (so 2 is a number, "2" a string).</summary>
internal static class Manifests
{
    public static IReadOnlyList<Manifest> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Select(document => ToJson(document.RootNode))
            .OfType<JsonObject>()
            .Select(body => new Manifest(body))
            .ToList();
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value!, ToJson(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}."),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }
}
