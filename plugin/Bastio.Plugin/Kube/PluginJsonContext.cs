using System.Text.Json.Serialization;
using Bastio.Plugin.Keys;

namespace Bastio.Plugin.Kube;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreatedKey))]
internal sealed partial class PluginJsonContext : JsonSerializerContext;
