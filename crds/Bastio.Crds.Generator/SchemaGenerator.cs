using System.Reflection;
using System.Text.Json.Serialization;
using Bastio.Crds.Schema;
using Bastio.Kubernetes.Api;
using k8s.Models;

namespace Bastio.Crds.Generator;

/// <summary>
/// Builds a structural OpenAPI v3 schema from the model types by reflection over their JSON property
/// names and the attributes of <see cref="Bastio.Crds.Schema"/>. Nodes are sorted dictionaries so the
/// output does not depend on reflection order.
/// </summary>
internal static class SchemaGenerator
{
    public static Node ForResource(Type resource)
    {
        var schema = ForObject(resource);
        var properties = (Node)schema["properties"]!;
        properties["apiVersion"] = new Node
        {
            ["type"] = "string",
            ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
        };
        properties["kind"] = new Node
        {
            ["type"] = "string",
            ["description"] = "Kind is a string value representing the REST resource this object represents.",
        };
        properties["metadata"] = new Node { ["type"] = "object" };
        return schema;
    }

    private static Node ForObject(Type type)
    {
        var properties = new Node();
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The resource's type and object metadata are described by the API server, not by us.
            if (property.DeclaringType == typeof(KubernetesResource) || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{type.Name}.{property.Name} has no [JsonPropertyName]; the wire name must be explicit.");
            properties[name] = ForProperty(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new Node
        {
            ["type"] = "object",
            ["description"] = type.GetCustomAttribute<DescriptionAttribute>()?.Text
                ?? throw new InvalidOperationException($"{type.Name} has no [Description]."),
            ["properties"] = properties,
        };
        if (required.Count > 0)
        {
            schema["required"] = required.Order(StringComparer.Ordinal).ToList();
        }

        AddValidations(schema, type.GetCustomAttributes<ValidationAttribute>());
        return schema;
    }

    private static Node ForProperty(PropertyInfo property)
    {
        var schema = ForType(property.PropertyType);
        schema["description"] = property.GetCustomAttribute<DescriptionAttribute>()?.Text
            ?? throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name} has no [Description]: every field needs one for kubectl explain.");

        var isList = schema["type"] is "array";
        var scalar = isList ? (Node)schema["items"]! : schema;
        if (property.GetCustomAttribute<EnumAttribute>() is { } values)
        {
            scalar["enum"] = values.Values.ToList();
        }

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            scalar["pattern"] = pattern.Pattern;
        }

        if (property.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            SetIfGiven(scalar, "minLength", length.Min);
            SetIfGiven(scalar, "maxLength", length.Max);
        }

        if (property.GetCustomAttribute<ItemsAttribute>() is { } items)
        {
            RequireList(property, isList, nameof(ItemsAttribute));
            SetIfGiven(schema, "minItems", items.Min);
            SetIfGiven(schema, "maxItems", items.Max);
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            SetBound(scalar, "minimum", range.Minimum);
            SetBound(scalar, "maximum", range.Maximum);
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } @default)
        {
            schema["default"] = @default.Value;
        }

        if (property.GetCustomAttribute<ListSetAttribute>() is not null)
        {
            RequireList(property, isList, nameof(ListSetAttribute));
            schema["x-kubernetes-list-type"] = "set";
        }

        if (property.GetCustomAttribute<ListMapAttribute>() is { } map)
        {
            RequireList(property, isList, nameof(ListMapAttribute));
            schema["x-kubernetes-list-type"] = "map";
            schema["x-kubernetes-list-map-keys"] = map.Keys.ToList();
        }

        AddValidations(schema, property.GetCustomAttributes<ValidationAttribute>());
        return schema;
    }

    private static Node ForType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new Node { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new Node { ["type"] = "boolean" };
        }

        if (type == typeof(int))
        {
            return new Node { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new Node { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(double))
        {
            return new Node { ["type"] = "number" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new Node { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(V1Condition))
        {
            return ConditionSchema();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return new Node { ["type"] = "array", ["items"] = ForType(type.GetGenericArguments()[0]) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
        {
            return new Node { ["type"] = "object", ["additionalProperties"] = ForType(type.GetGenericArguments()[1]) };
        }

        if (type.IsClass && type.Namespace == typeof(BastioResources).Namespace)
        {
            return ForObject(type);
        }

        throw new InvalidOperationException($"No schema mapping for {type}.");
    }

    /// <summary>metav1.Condition, which lives in a package without schema attributes.</summary>
    private static Node ConditionSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "Condition contains details for one aspect of the current state of this object.",
        ["required"] = new List<string> { "status", "type" },
        ["properties"] = new Node
        {
            ["type"] = new Node
            {
                ["type"] = "string",
                ["maxLength"] = 316L,
                ["description"] = "Type of condition in CamelCase, e.g. Ready.",
            },
            ["status"] = new Node
            {
                ["type"] = "string",
                ["enum"] = new List<string> { "True", "False", "Unknown" },
                ["description"] = "Status of the condition: True, False or Unknown.",
            },
            ["observedGeneration"] = new Node
            {
                ["type"] = "integer",
                ["format"] = "int64",
                ["minimum"] = 0L,
                ["description"] = "The metadata.generation the condition was set from.",
            },
            ["lastTransitionTime"] = new Node
            {
                ["type"] = "string",
                ["format"] = "date-time",
                ["description"] = "When the condition last changed from one status to another.",
            },
            ["reason"] = new Node
            {
                ["type"] = "string",
                ["maxLength"] = 1024L,
                ["description"] = "Programmatic identifier of the reason for the last transition, in CamelCase.",
            },
            ["message"] = new Node
            {
                ["type"] = "string",
                ["maxLength"] = 32768L,
                ["description"] = "Human-readable message about the transition.",
            },
        },
    };

    private static void AddValidations(Node schema, IEnumerable<ValidationAttribute> validations)
    {
        var rules = validations.Select(validation =>
        {
            var rule = new Node { ["rule"] = validation.Rule, ["message"] = validation.Message };
            if (validation.FieldPath is not null)
            {
                rule["fieldPath"] = validation.FieldPath;
            }

            return rule;
        }).ToList();
        if (rules.Count > 0)
        {
            schema["x-kubernetes-validations"] = rules;
        }
    }

    private static void SetIfGiven(Node schema, string keyword, int value)
    {
        if (value >= 0)
        {
            schema[keyword] = (long)value;
        }
    }

    private static void SetBound(Node schema, string keyword, double value)
    {
        if (!double.IsNaN(value))
        {
            schema[keyword] = schema["type"] is "integer" ? (long)value : value;
        }
    }

    private static void RequireList(PropertyInfo property, bool isList, string attribute)
    {
        if (!isList)
        {
            throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name} has [{attribute.Replace("Attribute", "", StringComparison.Ordinal)}] but is not a list.");
        }
    }
}

/// <summary>A schema or manifest node, serialized with its keys in ordinal order.</summary>
internal sealed class Node() : SortedDictionary<string, object?>(StringComparer.Ordinal);
