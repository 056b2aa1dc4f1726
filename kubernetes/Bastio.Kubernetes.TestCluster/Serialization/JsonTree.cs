using System.Globalization;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Serialization;

/// <summary>Helpers over <see cref="JsonNode"/> trees shared by the store, patches and validation.</summary>
internal static class JsonTree
{
    /// <summary>
    /// Materialises every lazily parsed node so that the stored tree can be read from many threads:
    /// a <see cref="JsonObject"/> parsed from text builds its dictionary on first access, which is not thread-safe.
    /// </summary>
    public static T Freeze<T>(T node)
        where T : JsonNode
    {
        Visit(node);
        return node;

        static void Visit(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Visit(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Visit(child);
                    }

                    break;
                case JsonValue v:
                    _ = v.GetValueKind();
                    break;
            }
        }
    }

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? GetString(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The text form of a scalar as a selector or column would see it.</summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Follows a dotted path of object fields.</summary>
    public static JsonNode? Select(JsonNode? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node;
    }

    public static IEnumerable<string> StringItems(JsonNode? node) =>
        node is JsonArray a ? a.Select(GetString).OfType<string>() : [];
}
