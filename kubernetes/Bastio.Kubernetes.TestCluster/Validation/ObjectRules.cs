using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bastio.Kubernetes.TestCluster.Api;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;
using Bastio.Kubernetes.TestCluster.Storage;

namespace Bastio.Kubernetes.TestCluster.Validation;

/// <summary>The per-kind defaulting and validation the real API server applies on every write.</summary>
internal static partial class ObjectRules
{
    public static void ValidateName(ResourceType type, string name)
    {
        var isLabel = type == BuiltInResources.Namespaces;
        if (isLabel ? (name.Length <= 63 && DnsLabel().IsMatch(name)) : (name.Length <= 253 && DnsSubdomain().IsMatch(name)))
        {
            return;
        }

        var message = isLabel
            ? $"Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            : $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        throw ApiException.Invalid(type, name, [new("FieldValueInvalid", message, "metadata.name")]);
    }

    /// <summary>Server-side defaults and derived fields; <paramref name="old"/> is null on create.</summary>
    public static void Normalize(ResourceType type, JsonObject obj, JsonObject? old, string now)
    {
        if (type == BuiltInResources.Secrets)
        {
            NormalizeSecret(obj);
        }
        else if (type == BuiltInResources.Namespaces)
        {
            obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            if (obj["metadata"]!["deletionTimestamp"] is null)
            {
                obj["status"] = new JsonObject { ["phase"] = "Active" };
            }
        }
        else if (type == BuiltInResources.CustomResourceDefinitions)
        {
            NormalizeCrd(obj, old, now);
        }
    }

    public static void Validate(ResourceType type, JsonObject obj, JsonObject? old, WriteContext context)
    {
        ValidateMetadataShape(type, obj["metadata"] as JsonObject);
        if (type.IsCustom && type.Schema is { } schema)
        {
            new SchemaValidator(type, context).Apply(obj, schema, old);
        }
        else if (type == BuiltInResources.CronJobs)
        {
            ValidateCronJob(obj, old);
        }
        else if (type == BuiltInResources.Events || type == BuiltInResources.EventsV1)
        {
            EventRules.Validate(type, obj, old);
        }
    }

    /// <summary>Upstream's <c>validateCronJobSpec</c> for the schedule, time zone and concurrency policy.</summary>
    private static void ValidateCronJob(JsonObject cronJob, JsonObject? old)
    {
        var spec = cronJob["spec"] as JsonObject;
        var schedule = JsonTree.GetString(spec?["schedule"]) ?? "";
        var timeZone = spec?["timeZone"] is { } zoneNode ? JsonTree.GetString(zoneNode) : null;
        var causes = new List<StatusCause>();
        if (schedule.Length == 0)
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.schedule"));
        }
        else
        {
            if (CronSchedule.Check(schedule) is { } error)
            {
                causes.Add(Invalid("spec.schedule", schedule, error));
            }

            // A TZ prefix is refused on create and kept only when the old schedule already had one.
            var allowTzInSchedule = (JsonTree.GetString(old?["spec"]?["schedule"]) ?? "").Contains("TZ", StringComparison.Ordinal);
            if (schedule.Contains("TZ", StringComparison.Ordinal))
            {
                if (!allowTzInSchedule)
                {
                    causes.Add(Invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
                }
                else if (timeZone is not null)
                {
                    causes.Add(Invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
                }
            }
        }

        if (timeZone is "")
        {
            causes.Add(Invalid("spec.timeZone", timeZone, "timeZone must be nil or non-empty string"));
        }
        else if (timeZone is not null)
        {
            if (timeZone.Equals("Local", StringComparison.OrdinalIgnoreCase))
            {
                causes.Add(Invalid("spec.timeZone", timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
            }
            else if (CronSchedule.TimeZoneError(timeZone) is { } zoneError)
            {
                causes.Add(Invalid("spec.timeZone", timeZone, zoneError));
            }
        }

        if (JsonTree.GetString(spec?["concurrencyPolicy"]) is { Length: > 0 } policy && policy is not ("Allow" or "Forbid" or "Replace"))
        {
            causes.Add(new("FieldValueNotSupported", $"Unsupported value: \"{policy}\": supported values: \"Allow\", \"Forbid\", \"Replace\"", "spec.concurrencyPolicy"));
        }

        if (causes.Count > 0)
        {
            throw ApiException.Invalid(BuiltInResources.CronJobs, JsonTree.GetString(cronJob["metadata"]?["name"]) ?? "", causes);
        }
    }

    /// <summary>A <c>field.Invalid</c> cause in upstream's wording.</summary>
    public static StatusCause Invalid(string field, string value, string why) =>
        new("FieldValueInvalid", $"Invalid value: \"{value}\": {why}", field);

    /// <summary>What Go's decoder would refuse before validation even starts: ObjectMeta fields of the wrong shape.</summary>
    private static void ValidateMetadataShape(ResourceType type, JsonObject? meta)
    {
        foreach (var field in new[] { "labels", "annotations" })
        {
            if (meta?[field] is { } map && (map is not JsonObject o || o.Any(p => JsonTree.GetString(p.Value) is null)))
            {
                throw CannotDecode(type, $"metadata.{field} must be a map of strings");
            }
        }

        foreach (var field in new[] { "finalizers", "ownerReferences" })
        {
            if (meta?[field] is { } list && list is not JsonArray)
            {
                throw CannotDecode(type, $"metadata.{field} must be a list");
            }
        }

        if (meta?["finalizers"] is JsonArray finalizers && finalizers.Any(f => JsonTree.GetString(f) is null))
        {
            throw CannotDecode(type, "metadata.finalizers must be a list of strings");
        }
    }

    private static ApiException CannotDecode(ResourceType type, string why) =>
        ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {why}");

    private static void NormalizeSecret(JsonObject secret)
    {
        if (secret["data"] is JsonObject data)
        {
            foreach (var (_, value) in data)
            {
                var text = JsonTree.GetString(value) ?? "";
                var bytes = new byte[text.Length];
                if (!Convert.TryFromBase64String(text, bytes, out _))
                {
                    // Never echo the value: it is key material.
                    throw ApiException.BadRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte " + FirstBadBase64Byte(text));
                }
            }
        }

        if (secret["stringData"] is JsonObject stringData)
        {
            if (secret["data"] is not JsonObject merged)
            {
                merged = [];
                secret["data"] = merged;
            }

            foreach (var (key, value) in stringData)
            {
                merged[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonTree.GetString(value) ?? ""));
            }

            secret.Remove("stringData");
        }

        if (string.IsNullOrEmpty(JsonTree.GetString(secret["type"])))
        {
            secret["type"] = "Opaque";
        }
    }

    private static int FirstBadBase64Byte(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                return i;
            }
        }

        return text.Length;
    }

    private static void NormalizeCrd(JsonObject crd, JsonObject? old, string now)
    {
        var name = (string)crd["metadata"]!["name"]!;
        var type = BuiltInResources.CustomResourceDefinitions;
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = JsonTree.GetString(spec?["group"]);
        var plural = JsonTree.GetString(names?["plural"]);
        var causes = new List<StatusCause>();
        if (string.IsNullOrEmpty(group))
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.names.plural"));
        }

        if (string.IsNullOrEmpty(JsonTree.GetString(names?["kind"])))
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.names.kind"));
        }

        if (spec?["versions"] is not JsonArray { Count: > 0 } versions)
        {
            causes.Add(new("FieldValueRequired", "Required value: must have exactly one version marked as storage version", "spec.versions"));
            versions = [];
        }
        else if (versions.Count(v => (bool?)v?["storage"] == true) != 1)
        {
            causes.Add(new("FieldValueInvalid", "Invalid value: \"" + versions.Count(v => (bool?)v?["storage"] == true) + "\": must have exactly one version marked as storage version", "spec.versions"));
        }

        if (causes.Count == 0 && name != $"{plural}.{group}")
        {
            causes.Add(new("FieldValueInvalid", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        if (causes.Count > 0)
        {
            throw ApiException.Invalid(type, name, causes);
        }

        var accepted = names!.DeepClone().AsObject();
        accepted["singular"] ??= ((string)names["kind"]!).ToLowerInvariant();
        accepted["listKind"] ??= (string)names["kind"]! + "List";
        var storage = (string)versions.First(v => (bool?)v?["storage"] == true)!["name"]!;
        var stored = JsonTree.StringItems(old?["status"]?["storedVersions"]).Append(storage).Distinct();
        var since = JsonTree.GetString(old?["status"]?["conditions"]?[0]?["lastTransitionTime"]) ?? now;
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts",
                    ["message"] = "no conflicts found", ["lastTransitionTime"] = since,
                },
                new JsonObject
                {
                    ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted",
                    ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = since,
                }),
            ["acceptedNames"] = accepted,
            ["storedVersions"] = new JsonArray([.. stored.Select(v => (JsonNode)v)]),
        };
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    internal static partial Regex DnsSubdomain();
}
