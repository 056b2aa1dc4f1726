using System.Globalization;
using System.Net;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Plugin.Cli;

namespace Bastio.Plugin.Keys;

/// <summary>Turns the friendly option values of <c>keys create</c> into ApiKey spec fields, with precise errors.</summary>
public static class KeyOptionParsing
{
    public static readonly IReadOnlyList<string> Permissions = ApiKeyPermissions.All;

    private static readonly IReadOnlyList<string> Periods = RateLimitPeriods.All;

    /// <summary><c>chat,embeddings</c> (repeatable option values are flattened) → a distinct, validated list.</summary>
    public static List<string> ParsePermissions(IEnumerable<string> values)
    {
        var result = new List<string>();
        foreach (var permission in values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Permissions.Contains(permission))
            {
                throw CommandException.Usage($"--permissions: unknown permission '{permission}'; use {string.Join(", ", Permissions)}");
            }

            if (!result.Contains(permission))
            {
                result.Add(permission);
            }
        }

        return result;
    }

    /// <summary><c>1000/hour</c> (also <c>1000/h</c>, <c>10/s</c>) plus an optional burst → a rate limit.</summary>
    public static RateLimit ParseRate(string value, long? burst)
    {
        var parts = value.Split('/', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var requests)
            || requests <= 0)
        {
            throw CommandException.Usage($"--rate: '{value}' is not REQUESTS/PERIOD with REQUESTS > 0, e.g. 1000/hour");
        }

        var period = Periods.FirstOrDefault(candidate => candidate == parts[1] || candidate[..1] == parts[1])
            ?? throw CommandException.Usage($"--rate: unknown period '{parts[1]}'; use second, minute, hour or day");
        if (burst is < 0)
        {
            throw CommandException.Usage("--burst must be 0 or more");
        }

        return new RateLimit { Requests = requests, Period = period, Burst = burst };
    }

    /// <summary>A relative lifetime (<c>90d</c>, <c>12h</c>, <c>30m</c>, <c>2w</c>) from <paramref name="now"/>, or an RFC 3339 time.</summary>
    public static DateTimeOffset ParseExpiry(string value, DateTimeOffset now)
    {
        if (value.Length >= 2
            && long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0)
        {
            TimeSpan? lifetime = value[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                'w' => TimeSpan.FromDays(7 * amount),
                _ => null,
            };
            if (lifetime is { } span)
            {
                return TruncateToSeconds(now + span);
            }
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            && value.Contains('T', StringComparison.Ordinal))
        {
            if (at <= now)
            {
                throw CommandException.Usage($"--expires: {value} is in the past");
            }

            return at;
        }

        throw CommandException.Usage($"--expires: '{value}' is neither a lifetime like 90d, 12h, 2w nor an RFC 3339 time");
    }

    /// <summary>A CIDR or a single IPv4/IPv6 address, checked here so a typo is not sent to the server.</summary>
    public static string ParseAllowedAddress(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? value : value[..slash];
        if (!IPAddress.TryParse(address, out var ip))
        {
            throw CommandException.Usage($"--allow-ip: '{value}' is not an IP address or CIDR");
        }

        if (slash >= 0)
        {
            var maxPrefix = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
            if (!int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > maxPrefix)
            {
                throw CommandException.Usage($"--allow-ip: '{value}' has a prefix length outside 0-{maxPrefix}");
            }
        }

        return value;
    }

    /// <summary>A 5-field cron expression; the operator checks the fields themselves.</summary>
    public static string ParseSchedule(string value)
    {
        if (value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
        {
            throw CommandException.Usage($"--rotate: '{value}' is not a 5-field cron expression, e.g. \"0 3 * * 1\"");
        }

        return value.Trim();
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);
}
