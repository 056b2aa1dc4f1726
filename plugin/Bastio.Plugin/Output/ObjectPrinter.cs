using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Bastio.Plugin.Output;

/// <summary>Writes objects for <c>-o json</c> and <c>-o yaml</c>; YAML is produced from the same JSON so both always agree.</summary>
public static class ObjectPrinter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write<T>(TextWriter writer, OutputFormat format, T value, JsonTypeInfo<T> typeInfo)
    {
        var node = JsonSerializer.SerializeToNode(value, typeInfo);
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(node?.ToJsonString(Indented) ?? "null");
                break;
            case OutputFormat.Yaml:
                WriteYaml(writer, node);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "only json and yaml print whole objects");
        }
    }

    public static void WriteYaml(TextWriter writer, JsonNode? node)
    {
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart());
                foreach (var (name, child) in obj)
                {
                    emitter.Emit(new Scalar(name));
                    Emit(emitter, child);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Block));
                foreach (var child in array)
                {
                    Emit(emitter, child);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                // Quoted when a plain scalar would read back as another type ("true", "10", "null").
                var text = value.GetValue<string>();
                var style = LooksLikeNonString(text) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
                emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case JsonValue value:
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static bool LooksLikeNonString(string text) =>
        text.Length == 0
        || text is "true" or "false" or "null" or "~" or "yes" or "no" or "on" or "off"
        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
