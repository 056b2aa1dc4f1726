using System.Globalization;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Api;

namespace Bastio.Kubernetes.TestCluster.Patching;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test, with RFC 6901 pointers.</summary>
internal static class JsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiException.BadRequest("the server rejected our request due to an error in our request");
        }

        JsonNode document = target;
        foreach (var operation in operations)
        {
            var op = (string?)operation?["op"];
            var path = (string?)operation?["path"] ?? throw Invalid("missing path");
            switch (op)
            {
                case "add":
                    document = Add(document, path, Value(operation!));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, Value(operation!));
                    break;
                case "move":
                    var moved = Get(document, From(operation!));
                    Remove(document, From(operation!));
                    document = Add(document, path, moved?.DeepClone());
                    break;
                case "copy":
                    document = Add(document, path, Get(document, From(operation!))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation!["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw Invalid($"Unexpected kind: {op}");
            }
        }

        return document as JsonObject ?? throw Invalid("the patched document is not an object");
    }

    private static ApiException Invalid(string why) => ApiException.BadRequest($"the server rejected our request due to an error in our request: {why}");

    private static JsonNode? Value(JsonNode operation) =>
        operation.AsObject().TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Invalid("missing value");

    private static string From(JsonNode operation) => (string?)operation["from"] ?? throw Invalid("missing from");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw Invalid($"invalid pointer {pointer}");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode? node, string pointer)
    {
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw Invalid($"doc is missing path: \"{pointer}\""),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        var parentPointer = string.Concat(tokens[..^1].Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        return (Get(document, parentPointer) ?? throw Invalid($"doc is missing path: \"{pointer}\""), tokens[^1]);
    }

    private static JsonNode Add(JsonNode document, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw Invalid("cannot replace the document with null");
        }

        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Invalid($"doc is missing path: \"{path}\"");
        }

        return document;
    }

    private static void Remove(JsonNode document, string path)
    {
        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw Invalid($"doc is missing path: \"{path}\"");
        }
    }
}
