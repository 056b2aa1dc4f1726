using System.Globalization;

namespace Bastio.Operator.Objects;

/// <summary>Timestamps as Kubernetes writes them: UTC, second precision, <c>Z</c> suffix.</summary>
internal static class Rfc3339
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Truncates to whole seconds so a value written to status reads back equal.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
