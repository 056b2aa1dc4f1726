using System.Text;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Api;
using Bastio.Kubernetes.TestCluster.FieldManagement;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;
using Bastio.Kubernetes.TestCluster.Validation;

namespace Bastio.Kubernetes.TestCluster.Storage;

/// <summary>
/// The in-memory object store: one global lock, one resourceVersion counter, a bounded event
/// history for watch resumption, and the server-side controllers a real cluster runs
/// synchronously with each write (garbage collector, namespace lifecycle, CRD registration).
/// Stored objects are frozen and never mutated; every write stores a new tree.
/// </summary>
internal sealed class ResourceStore
{
    private const string ForegroundFinalizer = "foregroundDeletion";

    private readonly object _gate = new();
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly int _historySize;
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Dictionary<string, (string StorageKey, string Key)> _byUid = [];

    // Owner uid → the objects whose ownerReferences name it, so the garbage collector looks only at
    // dependents of owners that changed instead of every owned object on every write.
    private readonly Dictionary<string, HashSet<(string StorageKey, string Key)>> _dependentsByOwner = [];

    // Dependents the garbage collector has yet to examine: written since its last run, or whose owner was.
    private readonly HashSet<(string StorageKey, string Key)> _gcPending = [];
    private readonly HashSet<(string StorageKey, string Key)> _terminating = [];
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private long _version;
    private long _compactedThrough;

    // Completed (and cleared) by the next commit; created only while someone waits for a version.
    private TaskCompletionSource? _versionChanged;

    public ResourceStore(ResourceRegistry registry, TimeProvider time, int historySize)
    {
        _registry = registry;
        _time = time;
        _historySize = Math.Max(1, historySize);
    }

    public long CurrentVersion
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Find(type, ns, name) ?? throw ApiException.NotFound(type, name);
        }
    }

    /// <summary>A consistent snapshot of the matching objects and the version it reflects.</summary>
    public (IReadOnlyList<JsonObject> Items, long Version) List(ResourceType type, string? ns, Func<JsonObject, bool> filter)
    {
        lock (_gate)
        {
            var items = new List<JsonObject>();
            if (_objects.TryGetValue(type.StorageKey, out var all))
            {
                foreach (var (key, obj) in all)
                {
                    if ((ns is null || key.StartsWith(ns + "/", StringComparison.Ordinal)) && filter(obj))
                    {
                        items.Add(obj);
                    }
                }
            }

            return (items, _version);
        }
    }

    /// <summary>
    /// The matching objects as they were at <paramref name="version"/> (<c>resourceVersionMatch=Exact</c>),
    /// rebuilt by undoing the retained changes after it; 410 Expired once the history no longer
    /// reaches back that far, as after an etcd compaction.
    /// </summary>
    public IReadOnlyList<JsonObject> ListAt(ResourceType type, string? ns, long version, Func<JsonObject, bool> filter)
    {
        lock (_gate)
        {
            if (version < _compactedThrough)
            {
                throw ApiException.Expired("The resourceVersion for the provided list is too old.");
            }

            var items = _objects.TryGetValue(type.StorageKey, out var all)
                ? new SortedDictionary<string, JsonObject>(all, StringComparer.Ordinal)
                : new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var e in _history.Reverse().TakeWhile(e => e.Version > version).Where(e => e.StorageKey == type.StorageKey))
            {
                if (e.Previous is null)
                {
                    items.Remove(KeyOf(e.Object));
                }
                else
                {
                    items[KeyOf(e.Previous)] = e.Previous;
                }
            }

            return [.. items.Where(p => ns is null || p.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(p => p.Value).Where(filter)];
        }
    }

    /// <summary>
    /// Waits until the store has reached <paramref name="version"/>, as the watch cache waits to
    /// catch up with a list or watch for a version it has not seen; false when the wait times out.
    /// </summary>
    public async Task<bool> WaitForVersionAsync(long version, TimeSpan timeout, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_version >= version)
                {
                    return true;
                }

                _versionChanged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed = _versionChanged.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteContext context)
    {
        lock (_gate)
        {
            var created = CreateCore(type, ns, type.ToStored(body), context);
            CollectGarbage();
            return created;
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, bool status, WriteContext context)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name) ?? throw ApiException.NotFound(type, name);
            if (type.IsCustom && string.IsNullOrEmpty(JsonTree.GetString(body["metadata"]?["resourceVersion"])))
            {
                // Custom resources do not allow unconditional updates.
                throw ApiException.Invalid(type, name, [new("FieldValueInvalid", "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion")]);
            }

            var updated = UpdateCore(type, current, type.ToStored(body), status, context);
            CollectGarbage();
            return updated;
        }
    }

    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of the current object and writes the result as an
    /// update, all under the lock so that a patch never loses a concurrent write. When the object is
    /// missing and <paramref name="create"/> is given (server-side apply) its body is created instead.
    /// </summary>
    public (JsonObject Object, bool Created) Patch(
        ResourceType type, string? ns, string name, bool status, WriteContext context,
        Func<JsonObject, JsonObject> patch, Func<JsonObject>? create = null)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name);
            if (current is null)
            {
                if (create is null || status)
                {
                    throw ApiException.NotFound(type, name);
                }

                var body = type.ToStored(create());
                JsonTree.Metadata(body)["name"] ??= name;
                var created = CreateCore(type, ns, body, context);
                CollectGarbage();
                return (created, true);
            }

            // The patch applies to the object as the requested version shows it.
            var candidate = type.ToStored(patch(type.FromStored(current).DeepClone().AsObject()));
            var updated = UpdateCore(type, current, candidate, status, context);
            CollectGarbage();
            return (updated, false);
        }
    }

    public DeleteResult Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name) ?? throw ApiException.NotFound(type, name);
            var meta = current["metadata"]!;
            if (options.PreconditionUid is { } uid && uid != (string?)meta["uid"])
            {
                throw ApiException.Conflict(type, name,
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {(string?)meta["uid"]}");
            }

            if (options.PreconditionResourceVersion is { } rv && rv != (string?)meta["resourceVersion"])
            {
                throw ApiException.Conflict(type, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {(string?)meta["resourceVersion"]}");
            }

            if (options.DryRun)
            {
                return new DeleteResult(current, meta["deletionTimestamp"] is null && !HasFinalizers(current));
            }

            var result = DeleteCore(type.StorageKey, current, options.PropagationPolicy ?? "Background");
            CollectGarbage();
            return result;
        }
    }

    /// <summary>
    /// Opens a watch. With <paramref name="fromVersion"/> null the current objects arrive first as
    /// ADDED; otherwise every retained change after that version is replayed, or 410 if the history
    /// no longer reaches back that far. Registration happens under the lock, so nothing is missed.
    /// </summary>
    public WatchSubscription Watch(ResourceType type, string? ns, long? fromVersion)
    {
        lock (_gate)
        {
            if (fromVersion is { } from && from < _compactedThrough)
            {
                throw ApiException.Expired($"too old resource version: {from} ({_compactedThrough})");
            }

            var subscription = new WatchSubscription(type.StorageKey, ns, Unsubscribe);
            if (fromVersion is null)
            {
                var (items, _) = List(type, ns, _ => true);
                foreach (var item in items)
                {
                    subscription.Publish(new WatchEvent(_version, type.StorageKey, "ADDED", item, null));
                }

                subscription.InitialCount = items.Count;
            }
            else
            {
                foreach (var e in _history)
                {
                    if (e.Version > fromVersion)
                    {
                        subscription.Publish(e);
                    }
                }
            }

            subscription.StartVersion = _version;
            _watchers.Add(subscription);
            return subscription;
        }
    }

    public int OpenWatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Ends every open watch (their clients relist or resume).</summary>
    public void DropWatches()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Complete();
            }
        }
    }

    /// <summary>Ends every open watch with an in-stream 410 Expired (its clients relist).</summary>
    public void ExpireWatches()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Expire(_version);
            }
        }
    }

    public void CompactHistory()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _version;
        }
    }

    public void EnsureNamespace(string name)
    {
        lock (_gate)
        {
            if (Find(BuiltInResources.Namespaces, null, name) is null)
            {
                CreateCore(BuiltInResources.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, new WriteContext());
            }
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
        }
    }

    private static string Key(string? ns, string name) => ns is null ? name : ns + "/" + name;

    private static string KeyOf(JsonObject obj)
    {
        var meta = obj["metadata"]!;
        return Key((string?)meta["namespace"], (string)meta["name"]!);
    }

    private JsonObject? Find(ResourceType type, string? ns, string name) =>
        _objects.TryGetValue(type.StorageKey, out var all) && all.TryGetValue(Key(type.Namespaced ? ns : null, name), out var obj) ? obj : null;

    private static bool HasFinalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 };

    private string Now() => JsonTree.FormatTime(_time.GetUtcNow());

    private JsonObject CreateCore(ResourceType type, string? ns, JsonObject body, WriteContext context)
    {
        var obj = body.DeepClone().AsObject();
        obj["apiVersion"] = type.StorageType.ApiVersion;
        obj["kind"] = type.StorageType.Kind;
        var meta = JsonTree.Metadata(obj);
        if (type.Namespaced)
        {
            var bodyNs = (string?)meta["namespace"];
            if (bodyNs is { Length: > 0 } && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
            var nsObj = Find(BuiltInResources.Namespaces, null, ns!) ?? throw ApiException.NamespaceNotFound(ns!);
            if (nsObj["metadata"]!["deletionTimestamp"] is not null)
            {
                throw ApiException.Forbidden(type, (string?)meta["name"] ?? (string?)meta["generateName"] ?? "",
                    $"unable to create new content in namespace {ns} because it is being terminated");
            }
        }
        else
        {
            meta.Remove("namespace");
        }

        if (string.IsNullOrEmpty(JsonTree.GetString(meta["name"])))
        {
            if ((string?)meta["generateName"] is { Length: > 0 } prefix)
            {
                meta["name"] = GenerateName(type, ns, prefix);
            }
            else
            {
                throw ApiException.Invalid(type, "", [new("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
            }
        }

        var name = (string)meta["name"]!;
        ObjectRules.ValidateName(type, name);
        if (Find(type, ns, name) is not null)
        {
            throw ApiException.AlreadyExists(type, name);
        }

        foreach (var field in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink" })
        {
            meta.Remove(field);
        }

        if (!context.ManagedFieldsComputed)
        {
            meta.Remove("managedFields");
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Now();
        if (type.TracksGeneration)
        {
            meta["generation"] = 1;
        }
        else
        {
            meta.Remove("generation");
        }

        if (type.HasStatus && type != BuiltInResources.CustomResourceDefinitions)
        {
            obj.Remove("status");
        }

        ObjectRules.Normalize(type, obj, null, Now());
        if (context.Manager is { } manager && !context.ManagedFieldsComputed)
        {
            FieldManager.RecordUpdate(type, null, obj, manager, status: false, Now());
        }

        ObjectRules.Validate(type, obj, null, context);
        if (context.DryRun)
        {
            return obj;
        }

        var stored = Commit(type.StorageKey, "ADDED", obj, null);
        if (type == BuiltInResources.CustomResourceDefinitions)
        {
            RegisterCrd(stored);
        }

        return stored;
    }

    private string GenerateName(ResourceType type, string? ns, string prefix)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        while (true)
        {
            var suffix = new StringBuilder(5);
            for (var i = 0; i < 5; i++)
            {
                suffix.Append(alphabet[Random.Shared.Next(alphabet.Length)]);
            }

            var candidate = prefix + suffix;
            if (Find(type, ns, candidate) is null)
            {
                return candidate;
            }
        }
    }

    private JsonObject UpdateCore(ResourceType type, JsonObject current, JsonObject body, bool status, WriteContext context)
    {
        var name = (string)current["metadata"]!["name"]!;
        var bodyMeta = body["metadata"] as JsonObject;
        var bodyName = (string?)bodyMeta?["name"];
        if (bodyName is { Length: > 0 } && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var currentRv = (string?)current["metadata"]!["resourceVersion"];
        if ((string?)bodyMeta?["resourceVersion"] is { Length: > 0 } rv && rv != currentRv)
        {
            throw ApiException.Conflict(type, name);
        }

        JsonObject next;
        if (status)
        {
            // A status write changes only .status: everything else comes from the stored object.
            next = current.DeepClone().AsObject();
            next["status"] = body["status"]?.DeepClone();
            if (next["status"] is null)
            {
                next.Remove("status");
            }

            if (context.ManagedFieldsComputed)
            {
                next["metadata"]!["managedFields"] = body["metadata"]?["managedFields"]?.DeepClone();
            }
        }
        else
        {
            next = body.DeepClone().AsObject();
            next["apiVersion"] = type.StorageType.ApiVersion;
            next["kind"] = type.StorageType.Kind;
            var meta = JsonTree.Metadata(next);
            var old = current["metadata"]!;
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
            {
                meta.Remove(field);
                if (old[field] is { } value)
                {
                    meta[field] = value.DeepClone();
                }
            }

            // Ownership is the server's to keep: what a client sends is ignored, except what apply computed.
            if (!context.ManagedFieldsComputed)
            {
                meta.Remove("managedFields");
                if (old["managedFields"] is { } managedFields)
                {
                    meta["managedFields"] = managedFields.DeepClone();
                }
            }

            if (type.HasStatus)
            {
                next.Remove("status");
                if (current["status"] is { } currentStatus)
                {
                    next["status"] = currentStatus.DeepClone();
                }
            }

            if (old["deletionTimestamp"] is not null)
            {
                var added = JsonTree.StringItems(meta["finalizers"]).Except(JsonTree.StringItems(old["finalizers"])).ToList();
                if (added.Count > 0)
                {
                    throw ApiException.Invalid(type, name, [new("FieldValueForbidden",
                        $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(f => $"\"{f}\""))}}}",
                        "metadata.finalizers")]);
                }
            }
        }

        JsonTree.Metadata(next)["resourceVersion"] = currentRv;
        ObjectRules.Normalize(type, next, current, Now());
        if (context.Manager is { } manager && !context.ManagedFieldsComputed)
        {
            FieldManager.RecordUpdate(type, current, next, manager, status, Now());
        }

        ObjectRules.Validate(type, next, current, context);
        if (type.TracksGeneration && !status && !SameSpec(type, current, next))
        {
            next["metadata"]!["generation"] = ((long?)current["metadata"]!["generation"] ?? 0) + 1;
        }

        if (JsonNode.DeepEquals(current, next) || context.DryRun)
        {
            return JsonNode.DeepEquals(current, next) ? current : next;
        }

        if (next["metadata"]!["deletionTimestamp"] is not null && !HasFinalizers(next) && !IsNamespace(type))
        {
            return Remove(type.StorageKey, next);
        }

        var stored = Commit(type.StorageKey, "MODIFIED", next, current);
        if (type == BuiltInResources.CustomResourceDefinitions)
        {
            RegisterCrd(stored);
        }

        return stored;
    }

    private static bool IsNamespace(ResourceType type) => type.StorageKey == BuiltInResources.Namespaces.StorageKey;

    private static bool SameSpec(ResourceType type, JsonObject a, JsonObject b)
    {
        var keys = a.Select(p => p.Key).Union(b.Select(p => p.Key));
        foreach (var key in keys)
        {
            if (key is "metadata" or "apiVersion" or "kind" || (key == "status" && type.HasStatus))
            {
                continue;
            }

            if (!JsonNode.DeepEquals(a[key], b[key]))
            {
                return false;
            }
        }

        return true;
    }

    private DeleteResult DeleteCore(string storageKey, JsonObject current, string propagation)
    {
        var meta = current["metadata"]!;
        var uid = (string)meta["uid"]!;
        if (propagation == "Orphan")
        {
            OrphanDependents(uid);
        }

        var terminating = meta["deletionTimestamp"] is not null;
        var needsForeground = propagation == "Foreground" && !JsonTree.StringItems(meta["finalizers"]).Contains(ForegroundFinalizer);
        var isNamespace = storageKey == BuiltInResources.Namespaces.StorageKey;
        if (!HasFinalizers(current) && !needsForeground && !isNamespace)
        {
            return new DeleteResult(Remove(storageKey, current), true);
        }

        if (terminating && !needsForeground)
        {
            return new DeleteResult(current, false);
        }

        var next = current.DeepClone().AsObject();
        var nextMeta = next["metadata"]!.AsObject();
        if (!terminating)
        {
            nextMeta["deletionTimestamp"] = Now();
            nextMeta["deletionGracePeriodSeconds"] = 0;
        }

        if (needsForeground)
        {
            if (nextMeta["finalizers"] is not JsonArray finalizers)
            {
                finalizers = [];
                nextMeta["finalizers"] = finalizers;
            }

            finalizers.Add(ForegroundFinalizer);
        }

        if (isNamespace)
        {
            next["status"] = new JsonObject { ["phase"] = "Terminating" };
        }

        return new DeleteResult(Commit(storageKey, "MODIFIED", next, current), false);
    }

    private void OrphanDependents(string ownerUid)
    {
        foreach (var (storageKey, key) in DependentsOf(ownerUid))
        {
            var dependent = _objects[storageKey][key];
            var refs = dependent["metadata"]!["ownerReferences"]!.AsArray();
            var next = dependent.DeepClone().AsObject();
            var kept = new JsonArray([.. refs.Where(r => (string?)r?["uid"] != ownerUid).Select(r => r!.DeepClone())]);
            SetOwners(next, kept);
            Commit(storageKey, "MODIFIED", next, dependent);
        }
    }

    private List<(string StorageKey, string Key)> DependentsOf(string ownerUid) =>
        _dependentsByOwner.TryGetValue(ownerUid, out var dependents) ? [.. dependents] : [];

    private static IEnumerable<string> OwnerUids(JsonObject obj) =>
        obj["metadata"]!["ownerReferences"] is JsonArray refs
            ? refs.Select(r => (string?)r?["uid"]).OfType<string>().Distinct(StringComparer.Ordinal)
            : [];

    private static void SetOwners(JsonObject obj, JsonArray owners)
    {
        if (owners.Count == 0)
        {
            obj["metadata"]!.AsObject().Remove("ownerReferences");
        }
        else
        {
            obj["metadata"]!["ownerReferences"] = owners;
        }
    }

    /// <summary>
    /// What the garbage collector and namespace controller would do, run to a fixed point after
    /// every write: dependents whose owners are all gone are deleted (background), dependents of an
    /// owner deleted in the foreground are deleted and the owner's <c>foregroundDeletion</c>
    /// finalizer is removed once no blocking dependent remains, and terminating namespaces are
    /// emptied and then removed. Only dependents written since the last run, or whose owner was,
    /// are examined (see <see cref="Commit"/>), so a write costs what it touches, not the store's size.
    /// </summary>
    private void CollectGarbage()
    {
        bool changed;
        do
        {
            changed = false;
            while (_gcPending.Count > 0)
            {
                var batch = _gcPending.ToList();
                _gcPending.Clear();
                foreach (var (storageKey, key) in batch)
                {
                    if (_objects.TryGetValue(storageKey, out var all) && all.TryGetValue(key, out var dependent)
                        && dependent["metadata"]!["ownerReferences"] is JsonArray { Count: > 0 })
                    {
                        changed |= CollectDependent(storageKey, dependent);
                    }
                }
            }

            foreach (var (storageKey, key) in _terminating.ToList())
            {
                if (_objects.TryGetValue(storageKey, out var all) && all.TryGetValue(key, out var owner))
                {
                    changed |= storageKey == BuiltInResources.Namespaces.StorageKey
                        ? FinishNamespace(owner)
                        : FinishForeground(storageKey, owner);
                }
            }
        }
        while (changed);
    }

    private bool CollectDependent(string storageKey, JsonObject dependent)
    {
        if (dependent["metadata"]!["deletionTimestamp"] is not null)
        {
            return false;
        }

        var refs = dependent["metadata"]!["ownerReferences"]!.AsArray();
        var solid = new JsonArray();
        var waiting = false;
        foreach (var reference in refs)
        {
            var owner = (string?)reference?["uid"] is { } uid && _byUid.TryGetValue(uid, out var location)
                ? _objects[location.StorageKey][location.Key]
                : null;
            if (owner is null)
            {
                continue;
            }

            if (JsonTree.StringItems(owner["metadata"]!["finalizers"]).Contains(ForegroundFinalizer))
            {
                waiting = true;
                continue;
            }

            solid.Add(reference!.DeepClone());
        }

        if (solid.Count == refs.Count)
        {
            return false;
        }

        if (solid.Count > 0)
        {
            var next = dependent.DeepClone().AsObject();
            SetOwners(next, solid);
            Commit(storageKey, "MODIFIED", next, dependent);
        }
        else
        {
            DeleteCore(storageKey, dependent, waiting ? "Foreground" : "Background");
        }

        return true;
    }

    private bool FinishForeground(string storageKey, JsonObject owner)
    {
        var finalizers = JsonTree.StringItems(owner["metadata"]!["finalizers"]).ToList();
        if (!finalizers.Contains(ForegroundFinalizer))
        {
            return false;
        }

        var uid = (string)owner["metadata"]!["uid"]!;
        foreach (var (depKey, key) in DependentsOf(uid))
        {
            var dependent = _objects[depKey][key];
            if (dependent["metadata"]!["ownerReferences"]!.AsArray()
                .Any(r => (string?)r?["uid"] == uid && (bool?)r?["blockOwnerDeletion"] == true))
            {
                return false;
            }
        }

        finalizers.Remove(ForegroundFinalizer);
        var next = owner.DeepClone().AsObject();
        next["metadata"]!["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]);
        if (finalizers.Count == 0)
        {
            next["metadata"]!.AsObject().Remove("finalizers");
            Remove(storageKey, next);
        }
        else
        {
            Commit(storageKey, "MODIFIED", next, owner);
        }

        return true;
    }

    private bool FinishNamespace(JsonObject ns)
    {
        var name = (string)ns["metadata"]!["name"]!;
        var changed = false;
        var empty = true;
        foreach (var (storageKey, all) in _objects.ToList())
        {
            var contents = all.Where(p => p.Key.StartsWith(name + "/", StringComparison.Ordinal)).Select(p => p.Value).ToList();
            foreach (var obj in contents)
            {
                empty = false;
                if (obj["metadata"]!["deletionTimestamp"] is null)
                {
                    DeleteCore(storageKey, obj, "Background");
                    changed = true;
                }
            }
        }

        if (empty && !HasFinalizers(ns))
        {
            Remove(BuiltInResources.Namespaces.StorageKey, ns);
            return true;
        }

        return changed;
    }

    private JsonObject Remove(string storageKey, JsonObject current)
    {
        var final = current.DeepClone().AsObject();
        var stored = Commit(storageKey, "DELETED", final, current);
        if (storageKey == BuiltInResources.CustomResourceDefinitions.StorageKey)
        {
            UnregisterCrd(stored);
        }

        return stored;
    }

    /// <summary>Stores (or removes, for DELETED) the object under a new resourceVersion and publishes the event.</summary>
    private JsonObject Commit(string storageKey, string eventType, JsonObject obj, JsonObject? previous)
    {
        var version = ++_version;
        obj["metadata"]!["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Re-parse so every stored number converts like parsed JSON, then materialise for concurrent readers.
        obj = JsonTree.Freeze(JsonNode.Parse(obj.ToJsonString())!.AsObject());
        var key = KeyOf(obj);
        var location = (storageKey, key);
        var uid = (string)obj["metadata"]!["uid"]!;
        if (!_objects.TryGetValue(storageKey, out var all))
        {
            all = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[storageKey] = all;
        }

        if (all.TryGetValue(key, out var replaced))
        {
            foreach (var owner in OwnerUids(replaced))
            {
                if (_dependentsByOwner.TryGetValue(owner, out var dependents) && dependents.Remove(location) && dependents.Count == 0)
                {
                    _dependentsByOwner.Remove(owner);
                }
            }
        }

        if (eventType == "DELETED")
        {
            all.Remove(key);
            _byUid.Remove(uid);
            _terminating.Remove(location);
        }
        else
        {
            all[key] = obj;
            _byUid[uid] = location;
            foreach (var owner in OwnerUids(obj))
            {
                if (!_dependentsByOwner.TryGetValue(owner, out var dependents))
                {
                    dependents = [];
                    _dependentsByOwner[owner] = dependents;
                }

                dependents.Add(location);
                _gcPending.Add(location);
            }

            Track(_terminating, location, obj["metadata"]!["deletionTimestamp"] is not null);
        }

        // Whatever happened to this object may settle the fate of the objects it owns.
        if (_dependentsByOwner.TryGetValue(uid, out var owned))
        {
            _gcPending.UnionWith(owned);
        }

        var e = new WatchEvent(version, storageKey, eventType, obj, previous);
        _history.Enqueue(e);
        while (_history.Count > _historySize)
        {
            _compactedThrough = _history.Dequeue().Version;
        }

        foreach (var watcher in _watchers)
        {
            watcher.Publish(e);
        }

        _versionChanged?.TrySetResult();
        _versionChanged = null;
        return obj;

        static void Track(HashSet<(string, string)> set, (string, string) item, bool present)
        {
            if (present)
            {
                set.Add(item);
            }
            else
            {
                set.Remove(item);
            }
        }
    }

    private void RegisterCrd(JsonObject crd)
    {
        var types = ResourceRegistry.FromCrd(crd);
        var spec = crd["spec"]!;
        _registry.SetCustomTypes((string)spec["group"]!, (string)spec["names"]!["plural"]!, types);
    }

    private void UnregisterCrd(JsonObject crd)
    {
        var spec = crd["spec"]!;
        var group = (string)spec["group"]!;
        var plural = (string)spec["names"]!["plural"]!;
        var storageKey = $"{group}/{plural}";
        if (_objects.TryGetValue(storageKey, out var instances))
        {
            foreach (var instance in instances.Values.ToList())
            {
                Remove(storageKey, instance);
            }
        }

        _registry.SetCustomTypes(group, plural, []);

        // The kind is gone: its watches end, as the real server closes them.
        foreach (var watcher in _watchers.Where(w => w.StorageKey == storageKey))
        {
            watcher.Complete();
        }
    }
}
