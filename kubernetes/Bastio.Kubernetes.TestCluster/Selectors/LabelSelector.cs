using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Selectors;

/// <summary>A parsed <c>labelSelector</c>: requirements joined by commas, all of which must hold.</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _requirements;

    private LabelSelector(List<Func<JsonObject?, bool>> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool Matches(JsonObject obj)
    {
        var labels = obj["metadata"]?["labels"] as JsonObject;
        return _requirements.All(r => r(labels));
    }

    /// <summary>Parses <c>a=b, a==b, a!=b, a in (x,y), a notin (x), a, !a</c>; throws <see cref="FormatException"/> with the upstream text.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<JsonObject?, bool>>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim()));
        }

        return new LabelSelector(requirements);
    }

    private static Func<JsonObject?, bool> ParseRequirement(string text)
    {
        if (text.Length == 0)
        {
            throw new FormatException("unable to parse requirement: found '', expected: identifier");
        }

        if (text[0] == '!')
        {
            var key = Key(text[1..].Trim());
            return labels => labels?[key] is null;
        }

        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = Key(text[..at].Trim());
                var list = text[(at + op.Length)..].Trim();
                if (!list.StartsWith('(') || !list.EndsWith(')'))
                {
                    throw new FormatException($"unable to parse requirement: found '{list}', expected: '('");
                }

                var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToHashSet();
                return negate
                    ? labels => !(Value(labels, key) is { } v && values.Contains(v))
                    : labels => Value(labels, key) is { } v && values.Contains(v);
            }
        }

        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = Key(text[..at].Trim());
                var value = text[(at + op.Length)..].Trim();
                return negate ? labels => Value(labels, key) != value : labels => Value(labels, key) == value;
            }
        }

        var exists = Key(text);
        return labels => labels?[exists] is not null;
    }

    private static string? Value(JsonObject? labels, string key) => (string?)labels?[key];

    private static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
            ? key
            : throw new FormatException($"unable to parse requirement: invalid label key \"{key}\"");

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
