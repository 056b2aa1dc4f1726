using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>The verdict of an Argo CD health script.</summary>
internal sealed record HealthStatus(string Status, string Message);

/// <summary>
/// Runs an Argo CD resource health script with the lua5.1 interpreter the way Argo CD does (gopher-lua
/// is Lua 5.1): the object, converted from JSON to a Lua table, is the global <c>obj</c>, and the
/// script's chunk returns <c>{status, message}</c>.
/// </summary>
internal static class Lua
{
    public static async Task<HealthStatus> RunHealthCheckAsync(string script, JsonNode resource)
    {
        var program = $"""
            obj = {ToLua(resource)}
            local hs = dofile({Quote(script)})
            io.write(hs.status, "\n", hs.message or "", "\n")
            """;
        var result = await Processes.RunAsync(Tools.Lua, ["-"], standardInput: program);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }

        var lines = result.StandardOutput.Split('\n');
        return new HealthStatus(lines[0], lines.Length > 1 ? lines[1] : "");
    }

    /// <summary>JSON as a Lua table constructor: objects keyed by string, arrays 1-based as Argo CD converts them.</summary>
    public static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject obj => "{" + string.Join(", ", obj.Select(entry => $"[{Quote(entry.Key)}] = {ToLua(entry.Value)}")) + "}",
        JsonArray array => "{" + string.Join(", ", array.Select(ToLua)) + "}",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => Quote(value.GetValue<string>()),
            JsonValueKind.Number => value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "nil",
        },
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var character in text)
        {
            builder.Append(character switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when char.IsControl(character) => $"\\{(int)character:D3}",
                _ => character.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
