namespace Bastio.Crds.Schema;

// Attributes the CRD generator (crds/Bastio.Crds.Generator) turns into OpenAPI v3 schema keywords.
// String constraints (Enum, Pattern, Length, Format) on a list of strings apply to its items.

/// <summary>The field's description, shown by <c>kubectl explain</c>. Every field has one.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class DescriptionAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>The API server rejects objects without this field.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>The value the API server fills in when the field is absent (and its parent object is present).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumAttribute : Attribute
{
    public EnumAttribute(params string[] values) => Values = values;

    /// <summary>The values are the public string constants of <paramref name="constants"/>, in declaration order.</summary>
    public EnumAttribute(Type constants) =>
        Values = [.. constants.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)];

    public IReadOnlyList<string> Values { get; }
}

/// <summary>An ECMA 262 regular expression the string must match.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>Inclusive numeric bounds.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute : Attribute
{
    public double Minimum { get; init; } = double.NaN;

    public double Maximum { get; init; } = double.NaN;
}

/// <summary>String length bounds (for lists of strings: of each item).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute : Attribute
{
    public int Min { get; init; } = -1;

    public int Max { get; init; } = -1;
}

/// <summary>Bounds on the number of items of a list.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute : Attribute
{
    public int Min { get; init; } = -1;

    public int Max { get; init; } = -1;
}

/// <summary>A list of unique scalars (<c>x-kubernetes-list-type: set</c>): duplicates are refused and server-side apply merges by value.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListSetAttribute : Attribute;

/// <summary>A list of objects keyed by fields (<c>x-kubernetes-list-type: map</c>), like <c>status.conditions</c> keyed by <c>type</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>
/// A CEL rule (<c>x-kubernetes-validations</c>) on the property's or class's schema, for constraints
/// that span fields. On a resource class it applies to the whole object, where <c>self.metadata.name</c>
/// is visible. Rules using <c>oldSelf</c> are transition rules, checked on updates only.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, AllowMultiple = true)]
public sealed class ValidationAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;

    /// <summary>A JSONPath relative to the schema the rule is on, naming the field the error is reported against.</summary>
    public string? FieldPath { get; init; }
}

/// <summary>Names, short names and categories of a custom resource.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CustomResourceAttribute(string singular) : Attribute
{
    public string Singular { get; } = singular;

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];
}

/// <summary>A <c>kubectl get</c> column, in declaration order after NAME.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;

    /// <summary><c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c> or <c>date</c> (shown as an age).</summary>
    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public string? Description { get; init; }

    /// <summary>0 shows the column always; higher only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }
}

/// <summary>Shared patterns, so the same field kind is validated the same way in every resource.</summary>
public static class Patterns
{
    /// <summary>A positive Go duration: <c>300s</c>, <c>10m</c>, <c>1h30m</c>, <c>1.5h</c>. No day unit.</summary>
    public const string Duration = @"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

    /// <summary>5 whitespace-separated cron fields, or one of the <c>@</c> descriptors. The operator checks the fields themselves.</summary>
    public const string Cron = @"^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\S+\s+\S+\s+\S+\s+\S+\s+\S+)$";

    /// <summary>An IPv4 or IPv6 address, optionally with a prefix length.</summary>
    public const string IpOrCidr =
        @"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}(/([0-9]|[12][0-9]|3[0-2]))?"
        + @"|[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}(/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$";

    /// <summary>An http or https URL.</summary>
    public const string HttpUrl = @"^https?://[^\s/?#]+([/?#]\S*)?$";

    /// <summary>A DNS-1123 label, as used for names that must also fit in label values.</summary>
    public const string DnsLabel = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>A DNS-1123 subdomain (Secret names).</summary>
    public const string DnsSubdomain = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A non-negative decimal number as a string (US dollars), e.g. <c>25</c> or <c>0.15</c>; below a billion so nanodollars fit in 64 bits.</summary>
    public const string Decimal = @"^[0-9]{1,9}(\.[0-9]{1,9})?$";

    /// <summary>A Secret data key.</summary>
    public const string SecretKey = @"^[-._a-zA-Z0-9]+$";
}
