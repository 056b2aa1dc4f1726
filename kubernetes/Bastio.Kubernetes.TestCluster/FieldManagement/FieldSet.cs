using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.FieldManagement;

/// <summary>
/// A set of field paths as structured-merge-diff keeps them, in the <c>FieldsV1</c> trie format:
/// path elements <c>f:name</c> (field), <c>k:{"key":value}</c> (item of a keyed list),
/// <c>v:value</c> (item of a set) and <c>i:index</c>; a node that is itself in the set and has
/// children carries <c>".": {}</c>.
/// </summary>
internal sealed class FieldSet
{
    private readonly SortedDictionary<string, FieldSet> _children = new(StringComparer.Ordinal);

    /// <summary>Whether the path ending here is itself in the set.</summary>
    public bool Member { get; private set; }

    public bool IsEmpty => !Member && _children.Count == 0;

    public static FieldSet Parse(JsonNode? fieldsV1)
    {
        var set = new FieldSet();
        if (fieldsV1 is JsonObject obj)
        {
            set.ParseChildren(obj);
        }

        return set;
    }

    public void Insert(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out var child))
            {
                child = new FieldSet();
                node._children[element] = child;
            }

            node = child;
        }

        node.Member = true;
    }

    public bool Contains(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out node))
            {
                return false;
            }
        }

        return node.Member;
    }

    /// <summary>Takes <paramref name="path"/> out of the set, pruning branches left empty.</summary>
    public void Remove(IReadOnlyList<string> path) => Remove(path, 0);

    public void RemoveAll(FieldSet other)
    {
        foreach (var path in other.Members())
        {
            Remove(path);
        }
    }

    public void UnionWith(FieldSet other)
    {
        foreach (var path in other.Members())
        {
            Insert(path);
        }
    }

    public IEnumerable<IReadOnlyList<string>> Members() => Members([]);

    public bool SetEquals(FieldSet other) => JsonNode.DeepEquals(ToJson(), other.ToJson());

    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        if (Member && _children.Count > 0)
        {
            obj["."] = new JsonObject();
        }

        foreach (var (element, child) in _children)
        {
            obj[element] = child.ToJson();
        }

        return obj;
    }

    private void ParseChildren(JsonObject obj)
    {
        foreach (var (element, value) in obj)
        {
            if (element == ".")
            {
                Member = true;
                continue;
            }

            var child = new FieldSet();
            if (value is JsonObject { Count: > 0 } nested)
            {
                child.ParseChildren(nested);
            }
            else
            {
                child.Member = true;
            }

            _children[element] = child;
        }
    }

    private bool Remove(IReadOnlyList<string> path, int depth)
    {
        if (depth == path.Count)
        {
            Member = false;
        }
        else if (_children.TryGetValue(path[depth], out var child) && child.Remove(path, depth + 1))
        {
            _children.Remove(path[depth]);
        }

        return IsEmpty;
    }

    private IEnumerable<IReadOnlyList<string>> Members(List<string> prefix)
    {
        if (Member)
        {
            yield return [.. prefix];
        }

        foreach (var (element, child) in _children)
        {
            prefix.Add(element);
            foreach (var path in child.Members(prefix))
            {
                yield return path;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }
}
