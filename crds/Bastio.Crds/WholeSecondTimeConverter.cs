using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bastio.Crds;

/// <summary>
/// The timestamps of the bastio.io kinds: RFC 3339 in UTC with whole seconds (<c>2025-01-01T10:00:00Z</c>),
/// like metav1.Time. A finer value would never read back equal, so every reconcile would see a change to
/// write; the official client's converter writes microseconds whenever a value has them.
/// </summary>
public sealed class WholeSecondTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected an RFC 3339 time string, found {reader.TokenType}.");
        }

        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new JsonException($"'{text}' is not an RFC 3339 time.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture));
    }
}
