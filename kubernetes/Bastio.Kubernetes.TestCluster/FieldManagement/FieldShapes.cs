using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Patching;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;

namespace Bastio.Kubernetes.TestCluster.FieldManagement;

/// <summary>How the items of a list are identified: the whole list (atomic), by value (set) or by key fields (map).</summary>
internal enum ListKind
{
    Atomic,
    Set,
    Map,
}

/// <summary>
/// Where a walk is in an object's schema: the CRD's structural schema node for custom resources,
/// the built-in merge rules (<c>finalizers</c> a set, <c>ownerReferences</c> keyed by uid,
/// <c>containers</c> by name...) for built-in kinds and every object's <c>metadata</c>.
/// </summary>
internal readonly record struct FieldShape(JsonObject? Schema, bool BuiltIn, string? FieldName, bool IsRoot)
{
    public static FieldShape Root(ResourceType type) => new(type.IsCustom ? type.Schema : null, !type.IsCustom, null, true);

    public FieldShape Field(string name)
    {
        if ((IsRoot && name == "metadata") || BuiltIn)
        {
            return new(null, true, name, false);
        }

        var schema = Schema?["properties"]?[name] as JsonObject ?? Schema?["additionalProperties"] as JsonObject;
        return new(schema, false, name, false);
    }

    public FieldShape Item() => new(BuiltIn ? null : Schema?["items"] as JsonObject, BuiltIn, null, false);

    /// <summary>Whether an object here is one value (<c>x-kubernetes-map-type: atomic</c>) rather than a set of fields.</summary>
    public bool IsAtomicObject => !BuiltIn && JsonTree.GetString(Schema?["x-kubernetes-map-type"]) == "atomic";

    public (ListKind Kind, IReadOnlyList<string> Keys) List()
    {
        if (BuiltIn)
        {
            return FieldName is { } field && StrategicMergePatch.TryGetMergeKey(field, out var key)
                ? key is null ? (ListKind.Set, []) : (ListKind.Map, [key])
                : (ListKind.Atomic, []);
        }

        return JsonTree.GetString(Schema?["x-kubernetes-list-type"]) switch
        {
            "set" => (ListKind.Set, []),
            "map" => (ListKind.Map, [.. JsonTree.StringItems(Schema?["x-kubernetes-list-map-keys"])]),
            _ => (ListKind.Atomic, []),
        };
    }
}
