using System.Globalization;

namespace Bastio.Plugin.Output;

/// <summary>Human renderings of times, as kubectl prints them.</summary>
public static class Formatting
{
    /// <summary>kubectl's age format: 45s, 2m5s, 9m, 3h20m, 2d4h, 400d, 2y30d.</summary>
    public static string Age(DateTimeOffset? since, DateTimeOffset now)
    {
        if (since is null)
        {
            return "";
        }

        var age = now - since.Value;
        if (age < TimeSpan.Zero)
        {
            return "0s";
        }

        return HumanDuration(age);
    }

    public static string HumanDuration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        var minutes = (long)duration.TotalMinutes;
        var hours = (long)duration.TotalHours;
        var days = (long)duration.TotalDays;
        return duration switch
        {
            _ when seconds < 120 => $"{seconds}s",
            _ when minutes < 10 => seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s",
            _ when hours < 3 => $"{minutes}m",
            _ when hours < 8 => minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m",
            _ when hours < 48 => $"{hours}h",
            _ when hours < 24 * 8 => hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h",
            _ when days < 365 * 2 => $"{days}d",
            _ when days < 365 * 8 => days % 365 == 0 ? $"{days / 365}y" : $"{days / 365}y{days % 365}d",
            _ => $"{days / 365}y",
        };
    }

    /// <summary>An absolute time in RFC 3339 (UTC, seconds), or empty.</summary>
    public static string Timestamp(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
