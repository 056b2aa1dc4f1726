using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bastio.Kubernetes.Serialization;

/// <summary>
/// Manifests as people write them: YAML (one or several documents) turned into the JSON the API
/// server and the source-generated serializers take. Plain scalars resolve with the YAML 1.2 core
/// schema (<c>true</c>, <c>null</c>, <c>12</c>, <c>1.5</c>); anything quoted stays a string.
/// </summary>
public static class KubernetesYaml
{
    /// <summary>Each non-empty document of <paramref name="yaml"/> as a JSON text.</summary>
    /// <exception cref="FormatException">The YAML is malformed; the message gives the line.</exception>
    public static IReadOnlyList<string> ToJsonDocuments(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"Invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        var documents = new List<string>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" } root && root.Style == ScalarStyle.Plain)
            {
                continue;
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, document.RootNode);
            }

            documents.Add(Encoding.UTF8.GetString(buffer.ToArray()));
        }

        return documents;
    }

    /// <summary>The single document of <paramref name="yaml"/> as JSON.</summary>
    public static string ToJson(string yaml)
    {
        var documents = ToJsonDocuments(yaml);
        return documents.Count == 1
            ? documents[0]
            : throw new FormatException($"Expected exactly one YAML document, found {documents.Count}.");
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name }
                        ? name
                        : throw new FormatException($"Only scalar mapping keys can become JSON (line {key.Start.Line})."));
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new FormatException($"Unsupported YAML node at line {node.Start.Line}.");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag == "tag:yaml.org,2002:str" || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            writer.WriteStringValue(value);
            return;
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            writer.WriteNumberValue(hex);
        }
        else if (LooksNumeric(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    // double.TryParse accepts "Infinity" and "NaN", which YAML spells differently and JSON cannot carry.
    private static bool LooksNumeric(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiDigit(c) || c is '.' or '-' or '+' or 'e' or 'E');
}
