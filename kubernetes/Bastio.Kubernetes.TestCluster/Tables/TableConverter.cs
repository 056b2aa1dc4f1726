using System.Globalization;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;

namespace Bastio.Kubernetes.TestCluster.Tables;

/// <summary>Builds <c>meta.k8s.io/v1</c> Tables for <c>kubectl get</c> from a kind's printer columns.</summary>
internal static class TableConverter
{
    private const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public static JsonObject Convert(ResourceType type, IEnumerable<JsonObject> items, string resourceVersion, DateTimeOffset now, string? continueToken = null)
    {
        var columns = type.Columns.Select(c => (Column: c, Path: new JsonPathExpression(c.JsonPath))).ToList();
        var definitions = new JsonArray(new JsonObject
        {
            ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = NameDescription, ["priority"] = 0,
        });
        foreach (var (column, _) in columns)
        {
            definitions.Add(new JsonObject
            {
                ["name"] = column.Name, ["type"] = column.Type, ["format"] = column.Format,
                ["description"] = column.Description, ["priority"] = column.Priority,
            });
        }

        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray((JsonNode?)(string?)item["metadata"]?["name"]);
            foreach (var (column, path) in columns)
            {
                cells.Add(Cell(column.Type, path.Evaluate(item), now));
            }

            var metadata = item["metadata"]?.DeepClone().AsObject() ?? [];
            metadata.Remove("managedFields");
            rows.Add(new JsonObject
            {
                ["cells"] = cells,
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata,
                },
            });
        }

        var listMeta = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (continueToken is not null)
        {
            listMeta["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMeta,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static JsonNode? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        switch (type)
        {
            case "date":
                return DateTimeOffset.TryParse(JsonTree.GetString(value), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                    ? HumanDuration.Format(now - time)
                    : "<invalid>";
            case "integer" or "number" or "boolean" when value is JsonValue:
                return value.DeepClone();
            default:
                return JsonTree.ScalarText(value);
        }
    }
}
