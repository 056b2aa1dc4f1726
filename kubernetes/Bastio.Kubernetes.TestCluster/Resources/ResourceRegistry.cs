using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Resources;

/// <summary>
/// The served kinds. Readers get an immutable snapshot, so discovery and OpenAPI never take the
/// store lock; CRD writes (under the store lock) swap in a new snapshot.
/// </summary>
internal sealed class ResourceRegistry
{
    private volatile ResourceType[] _types = [.. BuiltInResources.All];
    private long _revision;

    public IReadOnlyList<ResourceType> Types => _types;

    /// <summary>Changes whenever the set of kinds or their schemas change (drives the OpenAPI hash).</summary>
    public long Revision => Interlocked.Read(ref _revision);

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var type in Types)
        {
            if (type.Group == group && type.Version == version && type.Plural == plural)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Replaces every version served for <paramref name="group"/>/<paramref name="plural"/>.</summary>
    public void SetCustomTypes(string group, string plural, IReadOnlyList<ResourceType> served)
    {
        _types = [.. _types.Where(t => !(t.IsCustom && t.Group == group && t.Plural == plural)), .. served];
        Interlocked.Increment(ref _revision);
    }

    /// <summary>The served versions a CRD defines, as resource types.</summary>
    public static IReadOnlyList<ResourceType> FromCrd(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var result = new List<ResourceType>();
        foreach (var version in spec["versions"]!.AsArray())
        {
            if (version is not JsonObject v || v["served"]?.GetValue<bool>() != true)
            {
                continue;
            }

            var columns = new List<PrinterColumn>();
            if (v["additionalPrinterColumns"] is JsonArray printerColumns)
            {
                foreach (var c in printerColumns.OfType<JsonObject>())
                {
                    columns.Add(new PrinterColumn(
                        (string)c["name"]!, (string?)c["type"] ?? "string", (string?)c["format"] ?? "",
                        (string?)c["description"] ?? "", (int?)c["priority"] ?? 0, (string)c["jsonPath"]!));
                }
            }
            else
            {
                columns.Add(new PrinterColumn("Age", "date", "", "", 0, ".metadata.creationTimestamp"));
            }

            result.Add(new ResourceType
            {
                Group = (string)spec["group"]!,
                Version = (string)v["name"]!,
                Kind = (string)names["kind"]!,
                Plural = (string)names["plural"]!,
                Singular = (string?)names["singular"] ?? ((string)names["kind"]!).ToLowerInvariant(),
                Namespaced = (string?)spec["scope"] != "Cluster",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = v["subresources"]?["status"] is JsonObject,
                TracksGeneration = true,
                IsCustom = true,
                Schema = v["schema"]?["openAPIV3Schema"] as JsonObject,
                Columns = columns,
            });
        }

        return result;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => (string)n!)] : [];
}
