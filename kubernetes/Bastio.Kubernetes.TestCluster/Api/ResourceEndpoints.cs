using System.Globalization;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.FieldManagement;
using Bastio.Kubernetes.TestCluster.Patching;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Selectors;
using Bastio.Kubernetes.TestCluster.Serialization;
using Bastio.Kubernetes.TestCluster.Storage;
using Bastio.Kubernetes.TestCluster.Tables;
using Microsoft.AspNetCore.Http;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>A request for a kind: a collection (no name), an item, or an item's subresource.</summary>
internal sealed record ResourceRequest(ResourceType Type, string? Namespace, string? Name, string? Subresource);

/// <summary>get, list, create, update, patch, delete and deletecollection for every served kind.</summary>
internal sealed class ResourceEndpoints
{
    private const string StrategicUnsupported =
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

    private readonly ResourceStore _store;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly WatchEndpoint _watch;
    // How long the watch cache waits to reach a requested version before answering 504.
    private static readonly TimeSpan TooLargeVersionWait = TimeSpan.FromSeconds(3);

    private const string ApplyMediaType = "application/apply-patch+yaml";
    private const int MaxFieldManagerLength = 128;

    private readonly ListPager _pager = new();
    private long _writeCount;

    public ResourceEndpoints(ResourceStore store, FaultInjector faults, TimeProvider time, WatchEndpoint watch)
    {
        _store = store;
        _faults = faults;
        _time = time;
        _watch = watch;
    }

    public long WriteCount => Interlocked.Read(ref _writeCount);

    public async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var method = context.Request.Method;
        if (method is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            ThrowInjectedFailure(request);
        }

        switch (method, request.Name)
        {
            case ("GET", null) when IsTrue(context.Request.Query["watch"]):
                await _watch.HandleAsync(context, request);
                return;
            case ("GET", null):
                await ListAsync(context, request);
                return;
            case ("GET", _):
                await WriteObjectAsync(context, request.Type, 200, _store.Get(request.Type, request.Namespace, request.Name));
                return;
            case ("POST", null) when !request.Type.Namespaced || request.Namespace is not null:
                await CreateAsync(context, request);
                break;
            case ("PUT", not null):
                await UpdateAsync(context, request);
                break;
            case ("PATCH", not null):
                await PatchAsync(context, request);
                break;
            case ("DELETE", not null):
                await DeleteAsync(context, request);
                break;
            case ("DELETE", null):
                await DeleteCollectionAsync(context, request);
                break;
            default:
                throw ApiException.MethodNotAllowed();
        }

        if (!IsDryRun(context.Request))
        {
            Interlocked.Increment(ref _writeCount);
        }
    }

    private void ThrowInjectedFailure(ResourceRequest request)
    {
        if (_faults.TakeWriteFailure() is not { } failure)
        {
            return;
        }

        var (reason, message) = failure.StatusCode switch
        {
            409 => ("Conflict", $"Operation cannot be fulfilled on {request.Type.QualifiedName} \"{request.Name}\": the object has been modified; please apply your changes to the latest version and try again"),
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            503 => ("ServiceUnavailable", "The server is currently unable to handle the request"),
            var code => ("InternalError", $"Internal error occurred: injected fault {code}"),
        };
        var details = failure.RetryAfter is { } after
            ? new JsonObject { ["retryAfterSeconds"] = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) }
            : [];
        throw new ApiException(failure.StatusCode, reason, message, details) { RetryAfter = failure.RetryAfter };
    }

    private async Task ListAsync(HttpContext context, ResourceRequest request)
    {
        var query = context.Request.Query;
        var filter = Filter(query, request.Type);
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
        IReadOnlyList<JsonObject> page;
        long version;
        string? token;
        long remaining;
        if (query["continue"].ToString() is { Length: > 0 } continueToken)
        {
            var (items, snapshotVersion, id, offset) = _pager.Resume(continueToken);
            (page, version, token, remaining) = _pager.Page(items, snapshotVersion, limit, id, offset);
        }
        else
        {
            var (items, current) = await ListAtRequestedVersionAsync(context, request, filter);
            (page, version, token, remaining) = _pager.Page(items, current, limit);
        }

        var rv = version.ToString(CultureInfo.InvariantCulture);
        if (HttpJson.WantsTable(context.Request))
        {
            await HttpJson.WriteAsync(context, 200, TableConverter.Convert(request.Type, page, rv, _time.GetUtcNow(), token));
            return;
        }

        var listMeta = new JsonObject { ["resourceVersion"] = rv };
        if (token is not null)
        {
            listMeta["continue"] = token;
            listMeta["remainingItemCount"] = remaining;
        }

        await HttpJson.WriteListAsync(context, request.Type, page, listMeta);
    }

    /// <summary>
    /// The list semantics of <c>resourceVersion</c> and <c>resourceVersionMatch</c>: unset is the
    /// latest state; <c>0</c> is any state (the latest here); a version with no match or
    /// <c>NotOlderThan</c> is the latest state once the store has reached it; <c>Exact</c> is the
    /// state at exactly that version. A version the store has not reached is waited for, as the
    /// watch cache waits, and then answered 504 "Too large resource version" with Retry-After 1.
    /// </summary>
    private async Task<(IReadOnlyList<JsonObject> Items, long Version)> ListAtRequestedVersionAsync(
        HttpContext context, ResourceRequest request, Func<JsonObject, bool> filter)
    {
        var query = context.Request.Query;
        var rvText = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        ValidateListOptions(rvText, match, query["continue"].ToString());
        if (rvText is "" or "0")
        {
            return _store.List(request.Type, request.Namespace, filter);
        }

        if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
        {
            throw ApiException.BadRequest($"invalid resource version: {rvText}");
        }

        if (!await _store.WaitForVersionAsync(requested, TooLargeVersionWait, context.RequestAborted))
        {
            throw ApiException.TooLargeResourceVersion(requested, _store.CurrentVersion);
        }

        return match == "Exact"
            ? (_store.ListAt(request.Type, request.Namespace, requested, filter), requested)
            : _store.List(request.Type, request.Namespace, filter);
    }

    /// <summary>Upstream's <c>ValidateListOptions</c> for the resourceVersionMatch parameter: a 422 on ListOptions.</summary>
    private static void ValidateListOptions(string resourceVersion, string match, string continueToken)
    {
        if (match.Length == 0)
        {
            return;
        }

        var causes = new List<StatusCause>();
        if (resourceVersion.Length == 0)
        {
            causes.Add(new("FieldValueForbidden", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided", "resourceVersionMatch"));
        }

        if (continueToken.Length > 0)
        {
            causes.Add(new("FieldValueForbidden", "Forbidden: resourceVersionMatch is forbidden when continue is provided", "resourceVersionMatch"));
        }

        if (match is not ("Exact" or "NotOlderThan"))
        {
            causes.Add(new("FieldValueNotSupported", $"Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\", \"\"", "resourceVersionMatch"));
        }

        if (match == "Exact" && resourceVersion == "0")
        {
            causes.Add(new("FieldValueForbidden", "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"", "resourceVersionMatch"));
        }

        if (causes.Count > 0)
        {
            throw ApiException.InvalidOptions("ListOptions", causes);
        }
    }

    /// <summary>The label and field selectors of a list, watch or deletecollection as one predicate.</summary>
    public static Func<JsonObject, bool> Filter(IQueryCollection query, ResourceType type)
    {
        try
        {
            var labels = LabelSelector.Parse(query["labelSelector"]);
            var fields = FieldSelector.Parse(query["fieldSelector"], type);
            return obj => labels.Matches(obj) && fields.Matches(obj);
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    private async Task CreateAsync(HttpContext context, ResourceRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(context, request.Type);
        var write = WriteContext(context.Request);
        var created = _store.Create(request.Type, request.Namespace, body, write);
        AddWarnings(context, write);
        await WriteObjectAsync(context, request.Type, 201, created);
    }

    private async Task UpdateAsync(HttpContext context, ResourceRequest request)
    {
        var body = await HttpJson.ReadObjectAsync(context, request.Type);
        var write = WriteContext(context.Request);
        var updated = _store.Update(request.Type, request.Namespace, request.Name!, body, request.Subresource == "status", write);
        AddWarnings(context, write);
        await WriteObjectAsync(context, request.Type, 200, updated);
    }

    private async Task PatchAsync(HttpContext context, ResourceRequest request)
    {
        var type = request.Type;
        var mediaType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
        var patch = await HttpJson.ReadNodeAsync(context, type);
        var write = WriteContext(context.Request, mediaType);
        Func<JsonObject, JsonObject> apply;
        Func<JsonObject>? create = null;
        switch (mediaType)
        {
            case "application/merge-patch+json":
                apply = current => MergePatch.Apply(current, patch) as JsonObject ?? throw ApiException.BadRequest("the patch must be a JSON object");
                break;
            case "application/json-patch+json":
                apply = current => JsonPatch.Apply(current, patch);
                break;
            case "application/strategic-merge-patch+json" when !type.IsCustom:
                apply = current => StrategicMergePatch.Apply(current, patch as JsonObject ?? throw ApiException.BadRequest("the patch must be a JSON object"));
                break;
            case ApplyMediaType:
                var configuration = patch as JsonObject ?? throw ApiException.BadRequest("the applied configuration must be an object");
                (configuration["metadata"] as JsonObject)?.Remove("managedFields");
                var status = request.Subresource == "status";
                var force = IsTrue(context.Request.Query["force"]);
                var now = JsonTree.FormatTime(_time.GetUtcNow());
                apply = current => FieldManager.Apply(type, current, configuration, write.Manager!, force, status, now);
                create = () => FieldManager.Apply(type, new JsonObject(), configuration, write.Manager!, force, status, now);
                break;
            default:
                throw ApiException.UnsupportedMediaType(StrategicUnsupported);
        }

        var (result, created) = _store.Patch(type, request.Namespace, request.Name!, request.Subresource == "status", write, apply, create);
        AddWarnings(context, write);
        await WriteObjectAsync(context, type, created ? 201 : 200, result);
    }

    private async Task DeleteAsync(HttpContext context, ResourceRequest request)
    {
        var options = await DeleteOptionsAsync(context, request.Type);
        var (obj, deleted) = _store.Delete(request.Type, request.Namespace, request.Name!, options);

        // As upstream's registries: custom resources (ReturnDeletedObject) and objects that only
        // began terminating answer with the object; the other built-in kinds with a Success Status.
        if (!deleted || request.Type.IsCustom)
        {
            await WriteObjectAsync(context, request.Type, 200, obj);
            return;
        }

        var details = new JsonObject { ["name"] = request.Name };
        if (request.Type.Group.Length > 0)
        {
            details["group"] = request.Type.Group;
        }

        details["kind"] = request.Type.Plural;
        details["uid"] = (string?)obj["metadata"]?["uid"];
        await HttpJson.WriteAsync(context, 200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        });
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceRequest request)
    {
        var options = await DeleteOptionsAsync(context, request.Type);
        var (items, _) = _store.List(request.Type, request.Namespace, Filter(context.Request.Query, request.Type));
        var results = new List<JsonObject>();
        foreach (var item in items)
        {
            try
            {
                var meta = item["metadata"]!;
                results.Add(_store.Delete(request.Type, (string?)meta["namespace"], (string)meta["name"]!, options).Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted meanwhile (for example by the garbage collector): nothing left to do.
            }
        }

        await HttpJson.WriteListAsync(context, request.Type, results,
            new JsonObject { ["resourceVersion"] = _store.CurrentVersion.ToString(CultureInfo.InvariantCulture) });
    }

    private static async Task<DeleteOptions> DeleteOptionsAsync(HttpContext context, ResourceType type)
    {
        var query = context.Request.Query;
        var body = context.Request.ContentLength is 0 ? null : await HttpJson.ReadNodeAsync(context, type) as JsonObject;
        var policy = JsonTree.GetString(body?["propagationPolicy"]) ?? (string?)query["propagationPolicy"];
        if ((bool?)body?["orphanDependents"] == true || IsTrue(query["orphanDependents"]))
        {
            policy ??= "Orphan";
        }

        if (policy is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw ApiException.Invalid(type, "", [new("FieldValueNotSupported",
                $"Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"", "propagationPolicy")]);
        }

        var dryRun = IsDryRun(context.Request) || JsonTree.StringItems(body?["dryRun"]).Contains("All");
        return new DeleteOptions(policy,
            JsonTree.GetString(body?["preconditions"]?["uid"]),
            JsonTree.GetString(body?["preconditions"]?["resourceVersion"]),
            dryRun);
    }

    /// <summary>
    /// The write settings of a create, update or patch (<paramref name="patchType"/> set for a patch):
    /// dry run, field validation, and the field manager, validated as upstream validates its
    /// Create/Update/PatchOptions. Apply needs an explicit fieldManager; other writes default to the
    /// user agent's product name, as upstream does.
    /// </summary>
    private static WriteContext WriteContext(HttpRequest request, string? patchType = null)
    {
        var query = request.Query;
        var optionsKind = patchType is null ? (request.Method == "POST" ? "CreateOptions" : "UpdateOptions") : "PatchOptions";
        var manager = query["fieldManager"].ToString();
        var isApply = patchType == ApplyMediaType;
        var causes = new List<StatusCause>();
        if (isApply && manager.Length == 0)
        {
            causes.Add(new("FieldValueRequired", "Required value: is required for apply patch", "fieldManager"));
        }

        if (!isApply && query.ContainsKey("force"))
        {
            causes.Add(new("FieldValueForbidden", "Forbidden: may not be specified for non-apply patch", "force"));
        }

        if (manager.Length > MaxFieldManagerLength)
        {
            causes.Add(new("FieldValueTooLong", $"Too long: may not be more than {MaxFieldManagerLength} bytes", "fieldManager"));
        }

        var unprintable = manager.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        if (unprintable >= 0)
        {
            causes.Add(new("FieldValueInvalid", $"Invalid value: \"{manager}\": invalid character U+{(int)manager[unprintable]:X4} (at position {unprintable})", "fieldManager"));
        }

        if (causes.Count > 0)
        {
            throw ApiException.InvalidOptions(optionsKind, causes);
        }

        if (manager.Length == 0)
        {
            var userAgentProduct = request.Headers.UserAgent.ToString().Split('/')[0];
            manager = userAgentProduct.Length > MaxFieldManagerLength ? userAgentProduct[..MaxFieldManagerLength] : userAgentProduct;
        }

        return new WriteContext
        {
            DryRun = IsDryRun(request),
            FieldValidation = ((string?)query["fieldValidation"] ?? "Warn") switch
            {
                "Strict" => FieldValidation.Strict,
                "Ignore" => FieldValidation.Ignore,
                "Warn" or "" => FieldValidation.Warn,
                var other => throw ApiException.BadRequest($"fieldValidation parameter unsupported: {other}"),
            },
            Manager = manager,
            ManagedFieldsComputed = isApply,
        };
    }

    private static bool IsDryRun(HttpRequest request) => request.Query["dryRun"].Contains("All");

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is "true" or "1";

    private static void AddWarnings(HttpContext context, WriteContext write)
    {
        foreach (var warning in write.Warnings)
        {
            context.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
    }

    private Task WriteObjectAsync(HttpContext context, ResourceType type, int statusCode, JsonObject obj)
    {
        if (HttpJson.WantsTable(context.Request))
        {
            var rv = (string?)obj["metadata"]?["resourceVersion"] ?? "";
            return HttpJson.WriteAsync(context, statusCode, TableConverter.Convert(type, [obj], rv, _time.GetUtcNow()));
        }

        return HttpJson.WriteAsync(context, statusCode, HttpJson.Present(type, obj));
    }
}
