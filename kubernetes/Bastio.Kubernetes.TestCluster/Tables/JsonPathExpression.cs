using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tables;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0].b</c> and
/// <c>.a[?(@.type=="Ready")].status</c> (first match). <c>count(.path)</c> is an internal
/// extension for the built-in columns that show how many entries a field has.
/// </summary>
internal sealed class JsonPathExpression
{
    private readonly List<Func<JsonNode?, JsonNode?>> _steps = [];
    private readonly bool _count;

    public JsonPathExpression(string path)
    {
        path = path.Trim();
        if (path.StartsWith('{') && path.EndsWith('}'))
        {
            path = path[1..^1];
        }

        if (path.StartsWith("count(", StringComparison.Ordinal) && path.EndsWith(')'))
        {
            _count = true;
            path = path[6..^1];
        }

        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                var name = path[(i + 1)..end];
                if (name.Length > 0)
                {
                    _steps.Add(n => n is JsonObject o ? o[name] : null);
                }

                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    throw new FormatException($"unterminated [ in {path}");
                }

                _steps.Add(IndexStep(path[(i + 1)..end]));
                i = end + 1;
            }
            else
            {
                throw new FormatException($"unexpected '{path[i]}' in {path}");
            }
        }
    }

    public JsonNode? Evaluate(JsonNode? root)
    {
        var node = root;
        foreach (var step in _steps)
        {
            node = step(node);
        }

        return _count ? (node is JsonObject o ? o.Count : node is JsonArray a ? a.Count : 0) : node;
    }

    private static Func<JsonNode?, JsonNode?> IndexStep(string index)
    {
        if (int.TryParse(index, out var position))
        {
            return n => n is JsonArray a && position >= 0 && position < a.Count ? a[position] : null;
        }

        // ?(@.field=="value") or ?(@.field=='value')
        if (index.StartsWith("?(@.", StringComparison.Ordinal) && index.EndsWith(')') && index.Contains("==", StringComparison.Ordinal))
        {
            var body = index[4..^1];
            var at = body.IndexOf("==", StringComparison.Ordinal);
            var field = body[..at].Trim();
            var expected = body[(at + 2)..].Trim().Trim('"', '\'');
            return n => n is JsonArray a
                ? a.FirstOrDefault(item => item is JsonObject o && Serialization.JsonTree.ScalarText(Serialization.JsonTree.Select(o, field)) == expected)
                : null;
        }

        throw new FormatException($"unsupported index [{index}]");
    }
}
