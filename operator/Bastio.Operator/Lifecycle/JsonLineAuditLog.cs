using System.Text;
using System.Text.Json;

namespace Bastio.Operator.Lifecycle;

/// <summary>
/// Writes audit lines as single-line JSON objects, e.g.
/// <c>{"time":"…","audit":true,"action":"Rotated","object":{"kind":"ApiKey","namespace":"team-a","name":"app"},"keyId":"…","actor":"schedule"}</c>.
/// </summary>
internal sealed class JsonLineAuditLog(TextWriter output, TimeProvider timeProvider) : IAuditLog
{
    private readonly Lock _lock = new();

    public void Write(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = Format(entry, timeProvider.GetUtcNow());

        // Concurrent controllers must not interleave characters of two lines.
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    internal static string Format(AuditEntry entry, DateTimeOffset time)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteBoolean("audit", true);
            json.WriteString("action", entry.Action);
            json.WriteStartObject("object");
            json.WriteString("kind", entry.Kind);
            json.WriteString("namespace", entry.Namespace);
            json.WriteString("name", entry.Name);
            json.WriteEndObject();
            if (entry.KeyId is not null)
            {
                json.WriteString("keyId", entry.KeyId);
            }

            json.WriteString("actor", entry.Actor);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
