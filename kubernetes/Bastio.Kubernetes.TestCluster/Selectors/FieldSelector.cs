using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;

namespace Bastio.Kubernetes.TestCluster.Selectors;

/// <summary>
/// A parsed <c>fieldSelector</c> (<c>f=v</c>, <c>f==v</c>, <c>f!=v</c>, comma-joined) over the
/// fields the real server supports for the kind.
/// </summary>
internal sealed class FieldSelector
{
    private static readonly string[] Common = ["metadata.name", "metadata.namespace"];

    private static readonly string[] EventFields =
    [
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
        "reason", "reportingComponent", "source", "type",
    ];

    private readonly List<(string Field, string Value, bool Negate)> _terms;

    private FieldSelector(List<(string, string, bool)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool Matches(JsonObject obj) =>
        _terms.All(t => (FieldValue(obj, t.Field) == t.Value) != t.Negate);

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, string, bool)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (op, at) = part.IndexOf("!=", StringComparison.Ordinal) is >= 0 and var ne ? ("!=", ne)
                : part.IndexOf("==", StringComparison.Ordinal) is >= 0 and var eq ? ("==", eq)
                : ("=", part.IndexOf('=', StringComparison.Ordinal));
            if (at <= 0)
            {
                throw new FormatException($"invalid selector: '{text}'; can't understand '{part}'");
            }

            var field = part[..at];
            if (!Supported(type, field))
            {
                throw new FormatException($"field label not supported: {field}");
            }

            terms.Add((field, part[(at + op.Length)..], op == "!="));
        }

        return new FieldSelector(terms);
    }

    private static bool Supported(ResourceType type, string field) =>
        Common.Contains(field)
        || (type == BuiltInResources.Events && EventFields.Contains(field))
        || (type == BuiltInResources.Secrets && field == "type")
        || (type == BuiltInResources.Namespaces && field == "status.phase");

    private static string FieldValue(JsonObject obj, string field) => field switch
    {
        "source" => JsonTree.ScalarText(obj["source"]?["component"]) ?? "",
        _ => JsonTree.ScalarText(JsonTree.Select(obj, field)) ?? "",
    };
}
