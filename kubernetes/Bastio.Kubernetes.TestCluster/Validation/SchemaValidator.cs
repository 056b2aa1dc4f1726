using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bastio.Kubernetes.TestCluster.Api;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Storage;
using Bastio.Kubernetes.TestCluster.Validation.Cel;

namespace Bastio.Kubernetes.TestCluster.Validation;

/// <summary>
/// Applies a CRD's structural schema to a custom resource the way the API server does: nulls of
/// non-nullable fields dropped, defaults applied, unknown fields pruned (or refused under
/// <c>fieldValidation=Strict</c>), then OpenAPI keywords and CEL rules checked, every failure
/// collected into one 422 with upstream messages.
/// </summary>
internal sealed partial class SchemaValidator
{
    private readonly ResourceType _type;
    private readonly WriteContext _context;
    private readonly List<string> _unknown = [];
    private readonly List<StatusCause> _causes = [];

    public SchemaValidator(ResourceType type, WriteContext context)
    {
        _type = type;
        _context = context;
    }

    public void Apply(JsonObject obj, JsonObject schema, JsonObject? old)
    {
        foreach (var (key, propertySchema) in Properties(schema))
        {
            if (key is "metadata" or "apiVersion" or "kind")
            {
                continue;
            }

            if (obj[key] is { } value)
            {
                if (Normalize(value, propertySchema!.AsObject(), key) is var normalized && !ReferenceEquals(normalized, value))
                {
                    obj[key] = normalized;
                }
            }
            else if (propertySchema?["default"] is { } def)
            {
                obj[key] = Normalize(def.DeepClone(), propertySchema.AsObject(), key);
            }
        }

        if (!Preserves(schema))
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                if (key is not ("metadata" or "apiVersion" or "kind") && Properties(schema).All(p => p.Key != key))
                {
                    _unknown.Add(key);
                    obj.Remove(key);
                }
            }
        }

        ReportUnknown();
        foreach (var required in Required(schema))
        {
            if (obj[required] is null)
            {
                _causes.Add(new("FieldValueRequired", "Required value", required));
            }
        }

        foreach (var (key, propertySchema) in Properties(schema))
        {
            if (key is "metadata" or "apiVersion" or "kind" || obj[key] is not { } value)
            {
                continue;
            }

            Check(value, propertySchema!.AsObject(), key);
        }

        if (_causes.Any(c => c.Reason is "FieldValueNotSupported" or "FieldValueRequired" or "FieldValueTypeInvalid"))
        {
            // As upstream: CEL rules assume a well-typed object, so they wait until these are fixed.
            _causes.Add(new("FieldValueInvalid", "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation", "<nil>"));
        }
        else
        {
            CheckRules(obj, schema, "", old, old is not null);
        }

        if (_causes.Count > 0)
        {
            throw ApiException.Invalid(_type, (string?)obj["metadata"]?["name"] ?? "", _causes);
        }
    }

    private void ReportUnknown()
    {
        if (_unknown.Count == 0 || _context.FieldValidation == FieldValidation.Ignore)
        {
            return;
        }

        var rendered = _unknown.Select(f => $"unknown field \"{f}\"").ToList();
        if (_context.FieldValidation == FieldValidation.Strict)
        {
            throw ApiException.BadRequest(
                $"{_type.Kind} in version \"{_type.Version}\" cannot be handled as a {_type.Kind}: strict decoding error: {string.Join(", ", rendered)}");
        }

        _context.Warnings.AddRange(rendered);
    }

    /// <summary>Drops non-nullable nulls, applies defaults and prunes unknown fields.</summary>
    private JsonNode? Normalize(JsonNode? value, JsonObject schema, string path)
    {
        if (value is null)
        {
            return (bool?)schema["nullable"] == true ? null : schema["default"]?.DeepClone();
        }

        if (value is JsonObject obj && schema["x-kubernetes-embedded-resource"] is null)
        {
            var properties = Properties(schema).ToList();
            foreach (var (key, propertySchema) in properties)
            {
                if (obj.ContainsKey(key))
                {
                    var current = obj[key];
                    var normalized = Normalize(current, propertySchema!.AsObject(), Join(path, key));
                    if (normalized is null && (bool?)propertySchema["nullable"] != true)
                    {
                        obj.Remove(key);
                    }
                    else if (!ReferenceEquals(normalized, current))
                    {
                        obj[key] = normalized;
                    }
                }
                else if (propertySchema?["default"] is { } def)
                {
                    obj[key] = Normalize(def.DeepClone(), propertySchema.AsObject(), Join(path, key));
                }
            }

            if (schema["additionalProperties"] is JsonObject additional)
            {
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (properties.All(p => p.Key != key) && Normalize(obj[key], additional, Join(path, key)) is var normalized && !ReferenceEquals(normalized, obj[key]))
                    {
                        obj[key] = normalized;
                    }
                }
            }
            else if (!Preserves(schema) && (bool?)schema["additionalProperties"] != true)
            {
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (properties.All(p => p.Key != key))
                    {
                        _unknown.Add(Join(path, key));
                        obj.Remove(key);
                    }
                }
            }
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var normalized = Normalize(array[i], items, $"{path}[{i}]");
                if (!ReferenceEquals(normalized, array[i]))
                {
                    array[i] = normalized;
                }
            }
        }

        return value;
    }

    private void Check(JsonNode? value, JsonObject schema, string path)
    {
        if (value is null)
        {
            if ((bool?)schema["nullable"] != true)
            {
                _causes.Add(new("FieldValueTypeInvalid", $"Invalid value: \"null\": {path} in body must be of type {TypeName(schema)}: \"null\"", path));
            }

            return;
        }

        var type = (string?)schema["type"];
        var kind = value.GetValueKind();
        if (type is not null && !TypeMatches(type, kind, value, schema))
        {
            var actual = ActualType(kind);
            _causes.Add(new("FieldValueTypeInvalid", $"Invalid value: \"{actual}\": {path} in body must be of type {type}: \"{actual}\"", path));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            var options = string.Join(", ", allowed.Select(a => a?.ToJsonString() ?? "null"));
            _causes.Add(new("FieldValueNotSupported", $"Unsupported value: {value.ToJsonString()}: supported values: {options}", path));
        }

        switch (value)
        {
            case JsonValue when kind == JsonValueKind.String:
                CheckString(value.GetValue<string>(), schema, path);
                break;
            case JsonValue when kind == JsonValueKind.Number:
                CheckNumber(Number(value), value.ToJsonString(), schema, path);
                break;
            case JsonArray array:
                CheckArray(array, schema, path);
                break;
            case JsonObject obj:
                CheckObject(obj, schema, path);
                break;
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var part in allOf.OfType<JsonObject>())
            {
                Check(value, part, path);
            }
        }
    }

    /// <summary>Evaluates <c>x-kubernetes-validations</c> bottom-up over the (already well-typed) value.</summary>
    private void CheckRules(JsonNode? value, JsonObject schema, string path, JsonNode? old, bool hasOld)
    {
        switch (value)
        {
            case JsonObject obj:
                var properties = Properties(schema).ToList();
                foreach (var (key, child) in obj)
                {
                    var childSchema = properties.FirstOrDefault(p => p.Key == key).Value as JsonObject ?? schema["additionalProperties"] as JsonObject;
                    if (childSchema is not null && !(path.Length == 0 && key is "metadata" or "apiVersion" or "kind"))
                    {
                        var oldChild = (old as JsonObject)?[key];
                        CheckRules(child, childSchema, Join(path, key), oldChild, hasOld && oldChild is not null);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject items:
                // Items of atomic lists see no oldSelf: correlating them needs list-map keys.
                for (var i = 0; i < array.Count; i++)
                {
                    CheckRules(array[i], items, $"{path}[{i}]", null, false);
                }

                break;
        }

        Rules(value, schema, path.Length == 0 ? "<nil>" : path, old, hasOld);
    }

    private void CheckString(string text, JsonObject schema, string path)
    {
        var shown = JsonSerializer.Serialize(text);
        if ((int?)schema["maxLength"] is { } max && text.Length > max)
        {
            _causes.Add(new("FieldValueTooLong", $"Too long: may not be more than {max} bytes", path));
        }

        if ((int?)schema["minLength"] is { } min && text.Length < min)
        {
            _causes.Add(new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be at least {min} chars long", path));
        }

        if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            _causes.Add(new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should match '{pattern}'", path));
        }

        if ((string?)schema["format"] is { } format && !FormatMatches(format, text))
        {
            _causes.Add(new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body must be of type {format}: {shown}", path));
        }
    }

    private void CheckNumber(double number, string shown, JsonObject schema, string path)
    {
        if (schema["minimum"] is { } minimum)
        {
            var exclusive = (bool?)schema["exclusiveMinimum"] == true;
            var bound = Number(minimum);
            if (exclusive ? number <= bound : number < bound)
            {
                _causes.Add(new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be greater than {(exclusive ? "" : "or equal to ")}{minimum.ToJsonString()}", path));
            }
        }

        if (schema["maximum"] is { } maximum)
        {
            var exclusive = (bool?)schema["exclusiveMaximum"] == true;
            var bound = Number(maximum);
            if (exclusive ? number >= bound : number > bound)
            {
                _causes.Add(new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be less than {(exclusive ? "" : "or equal to ")}{maximum.ToJsonString()}", path));
            }
        }

        if (schema["multipleOf"] is { } multipleOf && Number(multipleOf) is var factor and not 0 && Math.Abs(Math.IEEERemainder(number, factor)) > 1e-9)
        {
            _causes.Add(new("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be a multiple of {multipleOf.ToJsonString()}", path));
        }
    }

    private void CheckArray(JsonArray array, JsonObject schema, string path)
    {
        if ((int?)schema["maxItems"] is { } max && array.Count > max)
        {
            _causes.Add(new("FieldValueTooMany", $"Too many: {array.Count}: must have at most {max} items", path));
        }

        if ((int?)schema["minItems"] is { } min && array.Count < min)
        {
            _causes.Add(new("FieldValueInvalid", $"Invalid value: {array.Count}: {path} in body should have at least {min} items", path));
        }

        var listType = (string?)schema["x-kubernetes-list-type"];
        if ((bool?)schema["uniqueItems"] == true || listType == "set")
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array.Take(i).Any(prior => JsonNode.DeepEquals(prior, array[i])))
                {
                    _causes.Add(new("FieldValueDuplicate", $"Duplicate value: {array[i]?.ToJsonString() ?? "null"}", $"{path}[{i}]"));
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, $"{path}[{i}]");
            }
        }
    }

    private void CheckObject(JsonObject obj, JsonObject schema, string path)
    {
        foreach (var required in Required(schema))
        {
            if (obj[required] is null)
            {
                _causes.Add(new("FieldValueRequired", "Required value", Join(path, required)));
            }
        }

        if ((int?)schema["maxProperties"] is { } max && obj.Count > max)
        {
            _causes.Add(new("FieldValueTooMany", $"Too many: {obj.Count}: must have at most {max} items", path));
        }

        if ((int?)schema["minProperties"] is { } min && obj.Count < min)
        {
            _causes.Add(new("FieldValueInvalid", $"Invalid value: {obj.Count}: {path} in body should have at least {min} properties", path));
        }

        var properties = Properties(schema).ToList();
        foreach (var (key, propertySchema) in properties)
        {
            if (obj.ContainsKey(key))
            {
                Check(obj[key], propertySchema!.AsObject(), Join(path, key));
            }
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            foreach (var (key, value) in obj)
            {
                if (properties.All(p => p.Key != key))
                {
                    Check(value, additional, Join(path, key));
                }
            }
        }
    }

    private void Rules(JsonNode? value, JsonObject schema, string path, JsonNode? old, bool hasOld)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules)
        {
            return;
        }

        foreach (var rule in rules.OfType<JsonObject>())
        {
            var expression = (string?)rule["rule"];
            if (expression is null)
            {
                continue;
            }

            CelResult result;
            try
            {
                var program = CelProgram.Parse(expression);
                if (program.UsesOldSelf && !hasOld)
                {
                    continue;
                }

                result = program.Evaluate(value, hasOld ? old : null);
            }
            catch (CelNotSupportedException)
            {
                // Outside the evaluated subset (see CelProgram): the real server would check it; we cannot.
                continue;
            }

            if (result == CelResult.True)
            {
                continue;
            }

            var message = (string?)rule["message"] ?? $"failed rule: {expression}";
            if (result == CelResult.Error)
            {
                message = $"failed rule: {expression}";
            }

            var field = (string?)rule["fieldPath"] is { } fieldPath ? path + fieldPath : path;
            var cause = (string?)rule["reason"] switch
            {
                "FieldValueForbidden" => new StatusCause("FieldValueForbidden", $"Forbidden: {message}", field),
                "FieldValueRequired" => new StatusCause("FieldValueRequired", $"Required value: {message}", field),
                "FieldValueDuplicate" => new StatusCause("FieldValueDuplicate", $"Duplicate value: {message}", field),
                _ => new StatusCause("FieldValueInvalid", $"Invalid value: \"{TypeName(schema)}\": {message}", field),
            };
            _causes.Add(cause);
        }
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Properties(JsonObject schema) =>
        schema["properties"] as JsonObject ?? [];

    private static IEnumerable<string> Required(JsonObject schema) =>
        schema["required"] is JsonArray required ? required.Select(r => (string)r!) : [];

    private static bool Preserves(JsonObject schema) => (bool?)schema["x-kubernetes-preserve-unknown-fields"] == true;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string TypeName(JsonObject schema) => (string?)schema["type"] ?? "object";

    private static bool TypeMatches(string type, JsonValueKind kind, JsonNode value, JsonObject schema)
    {
        if ((bool?)schema["x-kubernetes-int-or-string"] == true && kind is JsonValueKind.String or JsonValueKind.Number)
        {
            return true;
        }

        return type switch
        {
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "number" => kind == JsonValueKind.Number,
            "integer" => kind == JsonValueKind.Number && double.IsInteger(Number(value)),
            _ => true,
        };
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static string ActualType(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static bool FormatMatches(string format, string text) => format switch
    {
        "date-time" => IsDateTime(text),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "byte" => Convert.TryFromBase64String(text, new byte[text.Length], out _),
        "int32" or "int64" or "double" or "float" or "password" => true,
        _ => true,
    };

    /// <summary>
    /// kube-openapi's <c>IsDateTime</c>: an RFC 3339 date, <c>T</c>, a time with any number of
    /// fraction digits (the official clients write six or seven) and <c>Z</c> or a numeric offset.
    /// </summary>
    private static bool IsDateTime(string text)
    {
        var match = DateTimePattern().Match(text);
        return match.Success
            && DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) <= 23
            && int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) <= 59
            && int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) <= 59;
    }

    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?<h>[0-9]{2}):(?<m>[0-9]{2}):(?<s>[0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex DateTimePattern();
}
