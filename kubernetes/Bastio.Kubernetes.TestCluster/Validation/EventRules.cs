using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bastio.Kubernetes.TestCluster.Api;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;

namespace Bastio.Kubernetes.TestCluster.Validation;

/// <summary>
/// Upstream's Event validation, on the stored (core) shape with the internal field names upstream
/// reports: every Event passes the legacy rules (an Event with <c>eventTime</c> needs a reporting
/// controller, instance, action and reason); one created through events.k8s.io/v1 must also carry
/// <c>eventTime</c>, a Normal/Warning type and none of the deprecated fields, and its identifying
/// fields are immutable on update. Core v1 creates and updates stay lenient, as upstream keeps them.
/// </summary>
internal static partial class EventRules
{
    private const int LengthLimit = 128;
    private const int NoteLengthLimit = 1024;

    private static readonly string[] ImmutableOnV1Update =
    [
        "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type",
        "action", "related", "reportingComponent", "reportingInstance",
    ];

    public static void Validate(ResourceType type, JsonObject ev, JsonObject? old)
    {
        var causes = new List<StatusCause>();
        var v1 = type == BuiltInResources.EventsV1;
        Legacy(ev, v1, causes);
        if (v1 && old is null)
        {
            StrictCreate(ev, causes);
        }
        else if (v1)
        {
            if (!JsonNode.DeepEquals(ev["series"], old!["series"]))
            {
                Series(ev, causes);
            }

            foreach (var field in ImmutableOnV1Update)
            {
                if (!JsonNode.DeepEquals(ev[field], old[field]))
                {
                    causes.Add(new("FieldValueInvalid", $"Invalid value: {Render(ev[field])}: field is immutable", field == "reportingComponent" ? "reportingController" : field));
                }
            }
        }

        if (causes.Count > 0)
        {
            throw ApiException.Invalid(type, JsonTree.GetString(ev["metadata"]?["name"]) ?? "", causes);
        }
    }

    private static void Legacy(JsonObject ev, bool v1, List<StatusCause> causes)
    {
        var ns = JsonTree.GetString(ev["metadata"]?["namespace"]) ?? "";
        var involvedNamespace = JsonTree.GetString(ev["involvedObject"]?["namespace"]) ?? "";
        var mismatch = ObjectRules.Invalid("involvedObject.namespace", involvedNamespace, "does not match event.namespace");
        if (!IsSet(ev["eventTime"]))
        {
            if (involvedNamespace.Length == 0 ? ns is not ("" or "default") : ns != involvedNamespace)
            {
                causes.Add(mismatch);
            }

            return;
        }

        if (involvedNamespace.Length == 0 && ns is not ("default" or "kube-system"))
        {
            causes.Add(mismatch);
        }

        // Upstream names the field as the request's version does.
        var controllerField = v1 ? "reportingController" : "reportingComponent";
        var controller = JsonTree.GetString(ev["reportingComponent"]) ?? "";
        if (controller.Length == 0)
        {
            causes.Add(Required(controllerField));
        }

        if (QualifiedNameError(controller) is { } nameError)
        {
            causes.Add(ObjectRules.Invalid(controllerField, controller, nameError));
        }

        RequiredWithin(ev, "reportingInstance", LengthLimit, causes);
        RequiredWithin(ev, "action", LengthLimit, causes);
        RequiredWithin(ev, "reason", LengthLimit, causes);
        if ((JsonTree.GetString(ev["message"]) ?? "").Length > NoteLengthLimit)
        {
            causes.Add(ObjectRules.Invalid("message", "", $"can have at most {NoteLengthLimit} characters"));
        }
    }

    private static void StrictCreate(JsonObject ev, List<StatusCause> causes)
    {
        Series(ev, causes);
        if (!IsSet(ev["eventTime"]))
        {
            causes.Add(Required("eventTime"));
        }

        var type = JsonTree.GetString(ev["type"]) ?? "";
        if (type is not ("Normal" or "Warning"))
        {
            causes.Add(ObjectRules.Invalid("type", "", $"has invalid value: {type}"));
        }

        foreach (var field in new[] { "firstTimestamp", "lastTimestamp" })
        {
            if (IsSet(ev[field]))
            {
                causes.Add(ObjectRules.Invalid(field, "", "needs to be unset"));
            }
        }

        if (ev["count"] is JsonValue count && count.TryGetValue<long>(out var n) && n != 0)
        {
            causes.Add(ObjectRules.Invalid("count", "", "needs to be unset"));
        }

        if (IsSet(ev["source"]?["component"]) || IsSet(ev["source"]?["host"]))
        {
            causes.Add(ObjectRules.Invalid("source", "", "needs to be unset"));
        }
    }

    private static void Series(JsonObject ev, List<StatusCause> causes)
    {
        if (ev["series"] is not JsonObject series)
        {
            return;
        }

        if (!(series["count"] is JsonValue count && count.TryGetValue<long>(out var n) && n >= 2))
        {
            causes.Add(ObjectRules.Invalid("series.count", "", "should be at least 2"));
        }

        if (!IsSet(series["lastObservedTime"]))
        {
            causes.Add(Required("series.lastObservedTime"));
        }
    }

    private static void RequiredWithin(JsonObject ev, string field, int limit, List<StatusCause> causes)
    {
        var value = JsonTree.GetString(ev[field]) ?? "";
        if (value.Length == 0)
        {
            causes.Add(Required(field));
        }

        if (value.Length > limit)
        {
            causes.Add(ObjectRules.Invalid(field, "", $"can have at most {limit} characters"));
        }
    }

    private static StatusCause Required(string field) => new("FieldValueRequired", "Required value", field);

    private static bool IsSet(JsonNode? node) => node is not null && (JsonTree.GetString(node) is not "");

    private static string Render(JsonNode? node) => node?.ToJsonString() ?? "null";

    /// <summary>apimachinery's <c>IsQualifiedName</c>: an optional DNS-subdomain prefix and a name of at most 63 characters.</summary>
    private static string? QualifiedNameError(string value)
    {
        var parts = value.Split('/');
        var name = parts[^1];
        if (parts.Length > 2)
        {
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
        }

        if (parts.Length == 2 && parts[0].Length == 0)
        {
            return "prefix part must be non-empty";
        }

        if (parts.Length == 2 && !(parts[0].Length <= 253 && ObjectRules.DnsSubdomain().IsMatch(parts[0])))
        {
            return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        }

        if (name.Length == 0)
        {
            return "name part must be non-empty";
        }

        if (name.Length > 63)
        {
            return "name part must be no more than 63 characters";
        }

        return QualifiedNamePart().IsMatch(name)
            ? null
            : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    }

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();
}
