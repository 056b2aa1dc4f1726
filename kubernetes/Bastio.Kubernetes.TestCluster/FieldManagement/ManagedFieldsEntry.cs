using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Serialization;

namespace Bastio.Kubernetes.TestCluster.FieldManagement;

/// <summary>One <c>metadata.managedFields</c> entry: who set which fields, how, through which version and when.</summary>
internal sealed class ManagedFieldsEntry
{
    public required string Manager { get; init; }

    /// <summary><c>Apply</c> or <c>Update</c>.</summary>
    public required string Operation { get; init; }

    public required string ApiVersion { get; set; }

    public required string Time { get; set; }

    /// <summary><c>status</c> for writes through the status subresource; null for the main resource.</summary>
    public string? Subresource { get; init; }

    public required FieldSet Fields { get; set; }

    public const string ApplyOperation = "Apply";
    public const string UpdateOperation = "Update";

    /// <summary>
    /// Whether this entry belongs to the writer: appliers are one manager per name (and subresource),
    /// updaters one per name, version and subresource, as upstream keys them.
    /// </summary>
    public bool Is(string manager, string operation, string apiVersion, string? subresource) =>
        Manager == manager && Operation == operation && Subresource == subresource
        && (operation == ApplyOperation || ApiVersion == apiVersion);

    public static List<ManagedFieldsEntry> ReadAll(JsonObject obj) =>
        obj["metadata"]?["managedFields"] is JsonArray entries
            ? [.. entries.OfType<JsonObject>().Select(e => new ManagedFieldsEntry
            {
                Manager = JsonTree.GetString(e["manager"]) ?? "",
                Operation = JsonTree.GetString(e["operation"]) ?? UpdateOperation,
                ApiVersion = JsonTree.GetString(e["apiVersion"]) ?? "",
                Time = JsonTree.GetString(e["time"]) ?? "",
                Subresource = JsonTree.GetString(e["subresource"]) is { Length: > 0 } sub ? sub : null,
                Fields = FieldSet.Parse(e["fieldsV1"]),
            })]
            : [];

    /// <summary>Writes the entries (those still owning something) into <c>metadata.managedFields</c>.</summary>
    public static void WriteAll(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var array = new JsonArray([.. entries.Where(e => !e.Fields.IsEmpty).Select(e => (JsonNode)e.ToJson())]);
        var meta = JsonTree.Metadata(obj);
        if (array.Count == 0)
        {
            meta.Remove("managedFields");
        }
        else
        {
            meta["managedFields"] = array;
        }
    }

    private JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
            ["time"] = Time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = Fields.ToJson(),
        };
        if (Subresource is not null)
        {
            json["subresource"] = Subresource;
        }

        return json;
    }
}
