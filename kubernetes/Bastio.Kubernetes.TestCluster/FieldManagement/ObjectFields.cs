using System.Text;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.FieldManagement;

/// <summary>
/// Walks objects as structured-merge-diff does: the field set an object sets, the fields one
/// version changed or removed relative to another, the value at a path, removing a path, merging
/// an applied configuration over a live object, and rendering a path for a conflict message.
/// </summary>
internal static class ObjectFields
{
    /// <summary>
    /// The fields <paramref name="node"/> sets. <paramref name="withContainers"/> also adds every
    /// non-empty object and list itself (what an update that created them owns: the <c>"."</c> entries).
    /// </summary>
    public static FieldSet Of(JsonNode? node, FieldShape shape, bool withContainers)
    {
        var set = new FieldSet();
        Collect(node, shape, [], set, withContainers);
        return set;
    }

    /// <summary>The fields <paramref name="next"/> added or changed relative to <paramref name="old"/>, and those it removed.</summary>
    public static (FieldSet Changed, FieldSet Removed) Diff(JsonNode? old, JsonNode? next, FieldShape shape)
    {
        var changed = new FieldSet();
        var removed = new FieldSet();
        Diff(old, next, shape, [], changed, removed);
        return (changed, removed);
    }

    public static JsonNode? ValueAt(JsonNode? root, IReadOnlyList<string> path)
    {
        var node = root;
        foreach (var element in path)
        {
            node = Child(node, element);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Removes the field or list item at <paramref name="path"/>, and objects that removal left empty.</summary>
    public static void RemoveAt(JsonNode root, IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return;
        }

        var parent = ValueAt(root, path.Take(path.Count - 1).ToList());
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when last.StartsWith("f:", StringComparison.Ordinal):
                obj.Remove(last[2..]);
                break;
            case JsonArray array when Child(array, last) is { } item:
                array.Remove(item);
                break;
            default:
                return;
        }

        if (path.Count > 1 && parent is JsonObject { Count: 0 })
        {
            RemoveAt(root, path.Take(path.Count - 1).ToList());
        }
    }

    /// <summary>The applied configuration merged over the live object: fields and keyed items merge, sets unite, everything else is replaced.</summary>
    public static JsonNode? Merge(JsonNode? live, JsonNode? applied, FieldShape shape)
    {
        if (live is JsonObject liveObject && applied is JsonObject appliedObject && !shape.IsAtomicObject)
        {
            var result = liveObject.DeepClone().AsObject();
            foreach (var (name, value) in appliedObject)
            {
                result[name] = Merge(liveObject[name], value, shape.Field(name));
            }

            return result;
        }

        if (live is JsonArray liveArray && applied is JsonArray appliedArray && shape.List() is var (kind, keys) && kind != ListKind.Atomic)
        {
            var result = new JsonArray([.. liveArray.Select(i => i?.DeepClone())]);
            foreach (var item in appliedArray)
            {
                var element = ItemElement(item, kind, keys, 0);
                var existing = result.FirstOrDefault(i => ItemElement(i, kind, keys, 0) == element);
                if (existing is null)
                {
                    result.Add(item?.DeepClone());
                }
                else if (kind == ListKind.Map)
                {
                    result[result.IndexOf(existing)] = Merge(existing, item, shape.Item());
                }
            }

            return result;
        }

        return applied?.DeepClone();
    }

    /// <summary>A path as upstream prints it in conflict messages: <c>.spec.parts[name="a"].size</c>.</summary>
    public static string Render(IReadOnlyList<string> path)
    {
        var text = new StringBuilder();
        foreach (var element in path)
        {
            var body = element[2..];
            switch (element[0])
            {
                case 'f':
                    text.Append('.').Append(body);
                    break;
                case 'k':
                    var keys = JsonNode.Parse(body)!.AsObject().Select(p => $"{p.Key}={p.Value!.ToJsonString()}");
                    text.Append('[').Append(string.Join(',', keys)).Append(']');
                    break;
                case 'v':
                    text.Append("[=").Append(body).Append(']');
                    break;
                default:
                    text.Append('[').Append(body).Append(']');
                    break;
            }
        }

        return text.ToString();
    }

    private static void Collect(JsonNode? node, FieldShape shape, List<string> path, FieldSet into, bool withContainers)
    {
        if (node is JsonObject { Count: > 0 } obj && !shape.IsAtomicObject)
        {
            if (withContainers && path.Count > 0)
            {
                into.Insert(path);
            }

            foreach (var (name, value) in obj)
            {
                path.Add("f:" + name);
                Collect(value, shape.Field(name), path, into, withContainers);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (node is JsonArray { Count: > 0 } array && shape.List() is var (kind, keys) && kind != ListKind.Atomic)
        {
            if (withContainers)
            {
                into.Insert(path);
            }

            for (var i = 0; i < array.Count; i++)
            {
                path.Add(ItemElement(array[i], kind, keys, i));
                into.Insert(path);
                if (kind == ListKind.Map && array[i] is JsonObject item)
                {
                    foreach (var (name, value) in item)
                    {
                        path.Add("f:" + name);
                        Collect(value, shape.Item().Field(name), path, into, withContainers);
                        path.RemoveAt(path.Count - 1);
                    }
                }

                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (path.Count > 0)
        {
            into.Insert(path);
        }
    }

    private static void Diff(JsonNode? old, JsonNode? next, FieldShape shape, List<string> path, FieldSet changed, FieldSet removed)
    {
        if (old is JsonObject oldObject && next is JsonObject nextObject && !shape.IsAtomicObject)
        {
            foreach (var (name, value) in nextObject)
            {
                path.Add("f:" + name);
                if (oldObject.ContainsKey(name))
                {
                    Diff(oldObject[name], value, shape.Field(name), path, changed, removed);
                }
                else
                {
                    CollectAt(value, shape.Field(name), path, changed);
                }

                path.RemoveAt(path.Count - 1);
            }

            foreach (var (name, value) in oldObject.Where(p => !nextObject.ContainsKey(p.Key)))
            {
                path.Add("f:" + name);
                CollectAt(value, shape.Field(name), path, removed);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (old is JsonArray oldArray && next is JsonArray nextArray && shape.List() is var (kind, keys) && kind != ListKind.Atomic)
        {
            var oldItems = Index(oldArray, kind, keys);
            var nextItems = Index(nextArray, kind, keys);
            foreach (var (element, item) in nextItems)
            {
                path.Add(element);
                if (!oldItems.TryGetValue(element, out var oldItem))
                {
                    changed.Insert(path);
                    CollectItemFields(item, shape, path, changed);
                }
                else if (kind == ListKind.Map)
                {
                    Diff(oldItem, item, shape.Item(), path, changed, removed);
                }

                path.RemoveAt(path.Count - 1);
            }

            foreach (var (element, item) in oldItems.Where(p => !nextItems.ContainsKey(p.Key)))
            {
                path.Add(element);
                removed.Insert(path);
                CollectItemFields(item, shape, path, removed);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (!JsonNode.DeepEquals(old, next))
        {
            CollectAt(next, shape, path, changed);
        }
    }

    private static void CollectAt(JsonNode? node, FieldShape shape, List<string> path, FieldSet into)
    {
        var below = Of(node, shape, withContainers: true);
        into.Insert(path);
        foreach (var member in below.Members())
        {
            into.Insert([.. path, .. member]);
        }
    }

    private static void CollectItemFields(JsonNode? item, FieldShape listShape, List<string> path, FieldSet into)
    {
        if (item is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                CollectAt(value, listShape.Item().Field(name), [.. path, "f:" + name], into);
            }
        }
    }

    private static Dictionary<string, JsonNode?> Index(JsonArray array, ListKind kind, IReadOnlyList<string> keys)
    {
        var items = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            items.TryAdd(ItemElement(array[i], kind, keys, i), array[i]);
        }

        return items;
    }

    /// <summary>The path element naming a list item: <c>k:{...}</c> by its keys (sorted, as upstream), <c>v:</c> by value, else <c>i:</c> by index.</summary>
    private static string ItemElement(JsonNode? item, ListKind kind, IReadOnlyList<string> keys, int index)
    {
        if (kind == ListKind.Set)
        {
            return "v:" + (item?.ToJsonString() ?? "null");
        }

        if (item is JsonObject obj && keys.Count > 0 && keys.All(obj.ContainsKey))
        {
            var key = new JsonObject();
            foreach (var name in keys.Order(StringComparer.Ordinal))
            {
                key[name] = obj[name]?.DeepClone();
            }

            return "k:" + key.ToJsonString();
        }

        return "i:" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static JsonNode? Child(JsonNode? node, string element)
    {
        var body = element[2..];
        switch (element[0], node)
        {
            case ('f', JsonObject obj):
                return obj[body];
            case ('k', JsonArray array):
                var key = JsonNode.Parse(body)!.AsObject();
                return array.FirstOrDefault(i => i is JsonObject o && key.All(p => JsonNode.DeepEquals(o[p.Key], p.Value)));
            case ('v', JsonArray array):
                var value = JsonNode.Parse(body);
                return array.FirstOrDefault(i => JsonNode.DeepEquals(i, value));
            case ('i', JsonArray array):
                return int.TryParse(body, out var index) && index < array.Count ? array[index] : null;
            default:
                return null;
        }
    }
}
