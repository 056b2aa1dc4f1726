using System.Globalization;

namespace Bastio.Plugin.Cli;

/// <summary>Go-style durations as the CRDs use them (<c>30s</c>, <c>2m</c>, <c>1h30m</c>, <c>0s</c>).</summary>
public static class Durations
{
    public static bool TryParse(string value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var rest = value.AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var unitLength = 0;
            while (digits + unitLength < rest.Length && char.IsAsciiLetter(rest[digits + unitLength]))
            {
                unitLength++;
            }

            if (digits == 0 || unitLength == 0
                || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            TimeSpan? part = rest.Slice(digits, unitLength) switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => null,
            };
            if (part is null)
            {
                return false;
            }

            duration += part.Value;
            rest = rest[(digits + unitLength)..];
        }

        return true;
    }
}
