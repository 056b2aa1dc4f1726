using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Patching;

/// <summary>
/// Strategic merge patch for the built-in kinds: a merge patch whose lists merge by the field's
/// patch strategy (primitive sets such as <c>finalizers</c>, keyed lists such as
/// <c>ownerReferences</c> by uid or <c>containers</c>/<c>env</c> by name), with the directives kubectl
/// sends: <c>$patch</c>, <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/</c> and <c>$setElementOrder/</c>.
/// </summary>
internal static class StrategicMergePatch
{
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

    /// <summary>Lists that merge; <c>null</c> key = a set of primitives. Every other list is replaced.</summary>
    private static readonly Dictionary<string, string?> MergeKeys = new(StringComparer.Ordinal)
    {
        ["finalizers"] = null,
        ["ownerReferences"] = "uid",
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["imagePullSecrets"] = "name",
        ["secrets"] = "name",
        ["volumeMounts"] = "mountPath",
        ["ports"] = "containerPort",
        ["conditions"] = "type",
    };

    public static JsonObject Apply(JsonObject target, JsonObject patch) => Merge(target, patch) ?? [];

    /// <summary>Whether the built-in list <paramref name="field"/> merges, and by which key (null: a set of primitives).</summary>
    public static bool TryGetMergeKey(string field, out string? mergeKey) => MergeKeys.TryGetValue(field, out mergeKey);

    private static JsonObject? Merge(JsonObject target, JsonObject patch)
    {
        switch ((string?)patch["$patch"])
        {
            case "delete":
                return null;
            case "replace":
                var replacement = patch.DeepClone().AsObject();
                replacement.Remove("$patch");
                return replacement;
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => (string?)k).ToHashSet();
            foreach (var key in target.Select(p => p.Key).ToList())
            {
                if (!keep.Contains(key))
                {
                    target.Remove(key);
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            switch (value)
            {
                case null:
                    target.Remove(key);
                    break;
                case JsonObject child:
                    var existing = target[key] as JsonObject;
                    var merged = Merge(existing ?? [], child);
                    if (merged is null)
                    {
                        target.Remove(key);
                    }
                    else if (!ReferenceEquals(merged, existing))
                    {
                        target[key] = merged;
                    }

                    break;
                case JsonArray list:
                    target[key] = MergeList(key, target[key] as JsonArray, list);
                    break;
                default:
                    target[key] = value.DeepClone();
                    break;
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal) && target[key[DeleteFromPrimitiveList.Length..]] is JsonArray list)
            {
                var remove = ((value as JsonArray) ?? []).ToList();
                var kept = list.Where(item => !remove.Any(r => JsonNode.DeepEquals(r, item))).Select(i => i?.DeepClone()).ToArray();
                target[key[DeleteFromPrimitiveList.Length..]] = new JsonArray(kept);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && value is JsonArray order)
            {
                var field = key[SetElementOrder.Length..];
                if (target[field] is JsonArray current)
                {
                    target[field] = Reorder(field, current, order);
                }
            }
        }

        return target;
    }

    private static JsonArray MergeList(string field, JsonArray? current, JsonArray patch)
    {
        if (!MergeKeys.TryGetValue(field, out var mergeKey) || current is null)
        {
            return Clean(patch);
        }

        if (patch.OfType<JsonObject>().Any(e => (string?)e["$patch"] == "replace"))
        {
            return new JsonArray([.. patch.Where(e => e is not JsonObject o || o["$patch"] is null).Select(e => e?.DeepClone())]);
        }

        var result = new JsonArray([.. current.Select(e => e?.DeepClone())]);
        foreach (var item in patch)
        {
            if (mergeKey is null)
            {
                if (!result.Any(existing => JsonNode.DeepEquals(existing, item)))
                {
                    result.Add(item?.DeepClone());
                }

                continue;
            }

            if (item is not JsonObject element)
            {
                continue;
            }

            var match = result.OfType<JsonObject>().FirstOrDefault(e => JsonNode.DeepEquals(e[mergeKey], element[mergeKey]));
            if ((string?)element["$patch"] == "delete")
            {
                if (match is not null)
                {
                    result.Remove(match);
                }
            }
            else if (match is null)
            {
                result.Add(Merge([], element));
            }
            else
            {
                Merge(match, element);
            }
        }

        return result;
    }

    private static JsonArray Clean(JsonArray patch) =>
        new([.. patch.Where(e => e is not JsonObject o || (string?)o["$patch"] != "delete").Select(e => e is JsonObject o ? Merge([], o) : e?.DeepClone())]);

    private static JsonArray Reorder(string field, JsonArray current, JsonArray order)
    {
        MergeKeys.TryGetValue(field, out var mergeKey);
        JsonNode? Identity(JsonNode? item) => mergeKey is null ? item : item?[mergeKey];
        var items = current.Select(e => e?.DeepClone()).ToList();
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order)
        {
            var match = items.FirstOrDefault(i => JsonNode.DeepEquals(Identity(i), Identity(wanted)));
            if (match is not null)
            {
                items.Remove(match);
                ordered.Add(match);
            }
        }

        return new JsonArray([.. ordered, .. items]);
    }
}
