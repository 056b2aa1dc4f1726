using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Api;
using Bastio.Kubernetes.TestCluster.Resources;

namespace Bastio.Kubernetes.TestCluster.FieldManagement;

/// <summary>
/// Server-side field ownership in <c>metadata.managedFields</c>, as upstream's field manager keeps
/// it: an update owns the fields it changed (taking them from other managers without conflict);
/// an apply owns exactly the fields of its configuration, conflicts (409) with other managers
/// holding a different value unless forced, and removes the fields it dropped from its
/// configuration when nobody else owns them.
/// </summary>
internal static class FieldManager
{
    // Fields no manager owns: identity and server-maintained metadata.
    private static readonly string[] UnownedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    /// <summary>Records a create, update or non-apply patch by <paramref name="manager"/> in <paramref name="next"/>'s managedFields.</summary>
    public static void RecordUpdate(ResourceType type, JsonObject? old, JsonObject next, string manager, bool status, string now)
    {
        var entries = old is null ? [] : ManagedFieldsEntry.ReadAll(old);
        var shape = FieldShape.Root(type);
        var (changed, removed) = ObjectFields.Diff(old is null ? new JsonObject() : Owned(type, old, status), Owned(type, next, status), shape);
        if (changed.IsEmpty && removed.IsEmpty)
        {
            ManagedFieldsEntry.WriteAll(next, entries);
            return;
        }

        foreach (var entry in entries)
        {
            entry.Fields.RemoveAll(changed);
            entry.Fields.RemoveAll(removed);
        }

        var subresource = status ? "status" : null;
        var mine = entries.FirstOrDefault(e => e.Is(manager, ManagedFieldsEntry.UpdateOperation, type.ApiVersion, subresource));
        if (mine is null)
        {
            mine = new ManagedFieldsEntry
            {
                Manager = manager, Operation = ManagedFieldsEntry.UpdateOperation, ApiVersion = type.ApiVersion,
                Time = now, Subresource = subresource, Fields = new FieldSet(),
            };
            entries.Add(mine);
        }

        mine.Fields.UnionWith(changed);
        mine.Time = now;
        ManagedFieldsEntry.WriteAll(next, entries);
    }

    /// <summary>
    /// Server-side apply of <paramref name="applied"/> by <paramref name="manager"/> to
    /// <paramref name="live"/> (an empty object when creating): the merged object with its managedFields.
    /// </summary>
    public static JsonObject Apply(ResourceType type, JsonObject live, JsonObject applied, string manager, bool force, bool status, string now)
    {
        var shape = FieldShape.Root(type);
        var entries = ManagedFieldsEntry.ReadAll(live);
        var liveView = Owned(type, live, status);
        var appliedView = Owned(type, applied, status);
        var appliedFields = ObjectFields.Of(appliedView, shape, withContainers: false);
        var subresource = status ? "status" : null;
        var mine = entries.FirstOrDefault(e => e.Is(manager, ManagedFieldsEntry.ApplyOperation, type.ApiVersion, subresource));
        var others = entries.Where(e => e != mine).ToList();

        var conflicts = new List<(ManagedFieldsEntry Owner, IReadOnlyList<string> Path)>();
        foreach (var path in appliedFields.Members())
        {
            var appliedValue = ObjectFields.ValueAt(appliedView, path);
            var liveValue = ObjectFields.ValueAt(liveView, path);
            if (liveValue is null || JsonNode.DeepEquals(liveValue, appliedValue) || path[^1].StartsWith("k:", StringComparison.Ordinal))
            {
                continue;
            }

            conflicts.AddRange(others.Where(o => o.Fields.Contains(path)).Select(o => (o, path)));
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(conflicts);
        }

        foreach (var (owner, path) in conflicts)
        {
            owner.Fields.Remove(path);
        }

        var merged = (JsonObject)ObjectFields.Merge(live, applied, shape)!;
        if (mine is not null)
        {
            foreach (var dropped in mine.Fields.Members().Where(p => !appliedFields.Contains(p)).ToList())
            {
                if (!others.Any(o => o.Fields.Contains(dropped)))
                {
                    ObjectFields.RemoveAt(merged, dropped);
                }
            }
        }

        if (mine is null)
        {
            mine = new ManagedFieldsEntry
            {
                Manager = manager, Operation = ManagedFieldsEntry.ApplyOperation, ApiVersion = type.ApiVersion,
                Time = now, Subresource = subresource, Fields = appliedFields,
            };
            entries.Add(mine);
        }
        else if (!mine.Fields.SetEquals(appliedFields) || mine.ApiVersion != type.ApiVersion)
        {
            // An unchanged apply keeps its entry as it was, so a repeated apply writes nothing.
            mine.Fields = appliedFields;
            mine.ApiVersion = type.ApiVersion;
            mine.Time = now;
        }

        ManagedFieldsEntry.WriteAll(merged, entries);
        return merged;
    }

    /// <summary>The part of an object managers can own: no identity or server metadata, and only the status through the status subresource (never through the main resource).</summary>
    private static JsonObject Owned(ResourceType type, JsonObject obj, bool status)
    {
        var view = new JsonObject();
        foreach (var (name, value) in obj)
        {
            if (name is "apiVersion" or "kind" || (status ? name != "status" : name == "status" && type.HasStatus))
            {
                continue;
            }

            view[name] = value?.DeepClone();
        }

        if (view["metadata"] is JsonObject meta)
        {
            foreach (var field in UnownedMetadata)
            {
                meta.Remove(field);
            }

            if (meta.Count == 0)
            {
                view.Remove("metadata");
            }
        }

        return view;
    }

    private static ApiException ConflictError(List<(ManagedFieldsEntry Owner, IReadOnlyList<string> Path)> conflicts)
    {
        static string Who(ManagedFieldsEntry e) =>
            e.Operation == ManagedFieldsEntry.UpdateOperation ? $"\"{e.Manager}\" using {e.ApiVersion}" : $"\"{e.Manager}\"";

        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {Who(conflicts[0].Owner)}: {ObjectFields.Render(conflicts[0].Path)}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => Who(c.Owner)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => g.Select(c => "- " + ObjectFields.Render(c.Path)).Prepend($"conflicts with {g.Key}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        var details = new JsonObject
        {
            ["causes"] = new JsonArray([.. conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with {Who(c.Owner)}",
                ["field"] = ObjectFields.Render(c.Path),
            })]),
        };
        return new ApiException(409, "Conflict", message, details);
    }
}
