using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>A field-level reason for a 422 Invalid, in the upstream shape.</summary>
internal sealed record StatusCause(string Reason, string Message, string Field);

/// <summary>An error answered as a Kubernetes <c>Status</c> with the upstream message texts.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }
    public string Reason { get; }
    public JsonObject? Details { get; }
    public TimeSpan? RetryAfter { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }

        status["code"] = Code;
        return status;
    }

    private static JsonObject ResourceDetails(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        return details;
    }

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", ResourceDetails(type, name));

    public static ApiException NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiException PathNotFound() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", ResourceDetails(type, name));

    public static ApiException Conflict(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": {why}", ResourceDetails(type, name));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException Forbidden(ResourceType type, string name, string why) =>
        new(403, "Forbidden", $"{type.QualifiedName} \"{name}\" is forbidden: {why}", ResourceDetails(type, name));

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    /// <summary>What the watch cache answers when it cannot reach a requested version in time (Retry-After 1).</summary>
    public static ApiException TooLargeResourceVersion(long requested, long current) =>
        new(504, "Timeout", $"Timeout: Too large resource version: {requested}, current: {current}", new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }),
            ["retryAfterSeconds"] = 1,
        })
        { RetryAfter = TimeSpan.FromSeconds(1) };

    /// <summary>A 422 on request options (ListOptions, PatchOptions...) of group meta.k8s.io, as upstream's handlers answer.</summary>
    public static ApiException InvalidOptions(string kind, IReadOnlyList<StatusCause> causes) =>
        InvalidCore("meta.k8s.io", kind, $"{kind}.meta.k8s.io", "", causes);

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<StatusCause> causes) =>
        InvalidCore(type.Group, type.Kind, type.QualifiedKind, name, causes);

    private static ApiException InvalidCore(string group, string kind, string qualifiedKind, string name, IReadOnlyList<StatusCause> causes)
    {
        var rendered = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        var summary = rendered.Count == 1 ? rendered[0] : $"[{string.Join(", ", rendered)}]";
        var details = new JsonObject { ["name"] = name };
        if (group.Length > 0)
        {
            details["group"] = group;
        }

        details["kind"] = kind;
        details["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Reason,
            ["message"] = c.Message,
            ["field"] = c.Field,
        })]);
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {summary}", details);
    }
}
