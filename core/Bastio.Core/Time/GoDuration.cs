using System.Diagnostics.CodeAnalysis;

namespace Bastio.Core.Time;

/// <summary>
/// Durations as Go's <c>time.ParseDuration</c> reads them and <c>time.Duration.String()</c> writes them
/// (<c>300s</c>, <c>1h30m</c>, <c>1.5h</c>; written back as <c>5m0s</c>, <c>1h30m0s</c>): the format of
/// the resources' duration fields and of OpenAI's <c>x-ratelimit-reset-requests</c>. Units are ns, us
/// (µs), ms, s, m and h; there is no day unit (<c>90d</c> is refused, as in Go). Precision is a
/// <see cref="TimeSpan"/> tick (100ns); finer parts are truncated.
/// </summary>
public static class GoDuration
{
    private const ulong Nanosecond = 1;
    private const ulong Microsecond = 1000 * Nanosecond;
    private const ulong Millisecond = 1000 * Microsecond;
    private const ulong Second = 1000 * Millisecond;
    private const ulong Minute = 60 * Second;
    private const ulong Hour = 60 * Minute;
    private const ulong NanosecondsPerTick = 100;
    private const ulong TicksPerMicrosecond = 10;
    private const ulong TicksPerMillisecond = 10_000;
    private const ulong TicksPerSecond = 10_000_000;

    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <exception cref="FormatException">The text is not a Go duration; the message says why.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out var error) ? value : throw new FormatException(error);
    }

    /// <summary>Like <see cref="Parse"/> but with a description of the problem instead of an exception.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        var original = text;
        var negative = false;
        if (!text.IsEmpty && text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text is "0")
        {
            error = null;
            return true;
        }

        if (text.IsEmpty)
        {
            error = $"invalid duration \"{original}\": expected a number and a unit, e.g. 300s, 10m, 1h30m";
            return false;
        }

        ulong total = 0;
        while (!text.IsEmpty)
        {
            var digits = LeadingDigits(text);
            if (!TryReadInteger(text[..digits], out var whole))
            {
                error = $"invalid duration \"{original}\": out of range";
                return false;
            }

            text = text[digits..];
            var fractionDigits = 0;
            ulong fraction = 0;
            double scale = 1;
            if (!text.IsEmpty && text[0] == '.')
            {
                text = text[1..];
                fractionDigits = LeadingDigits(text);
                foreach (var c in text[..fractionDigits])
                {
                    // Past 19 digits the extra precision is below a nanosecond: drop it, as Go does.
                    if (fraction <= (ulong.MaxValue - 9) / 10)
                    {
                        fraction = (fraction * 10) + (ulong)(c - '0');
                        scale *= 10;
                    }
                }

                text = text[fractionDigits..];
            }

            if (digits == 0 && fractionDigits == 0)
            {
                error = $"invalid duration \"{original}\": expected a number before each unit";
                return false;
            }

            var unitLength = 0;
            while (unitLength < text.Length && text[unitLength] != '.' && !char.IsAsciiDigit(text[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                error = $"invalid duration \"{original}\": missing unit (ns, us, ms, s, m or h)";
                return false;
            }

            var unitText = text[..unitLength];
            text = text[unitLength..];
            if (!TryGetUnit(unitText, out var unit))
            {
                error = $"invalid duration \"{original}\": unknown unit \"{unitText}\" (use ns, us, ms, s, m or h; there is no day unit, write 24h)";
                return false;
            }

            if (whole > long.MaxValue / unit)
            {
                error = $"invalid duration \"{original}\": out of range";
                return false;
            }

            var part = whole * unit;
            if (fraction > 0)
            {
                part += (ulong)(fraction * (unit / scale));
            }

            total += part;
            if (part > long.MaxValue || total > long.MaxValue)
            {
                error = $"invalid duration \"{original}\": out of range";
                return false;
            }
        }

        var ticks = (long)(total / NanosecondsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        error = null;
        return true;
    }

    /// <summary>Go's <c>Duration.String()</c>: <c>0s</c>, <c>1.5ms</c>, <c>1s</c>, <c>6m0s</c>, <c>1h0m0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        Span<char> buffer = stackalloc char[40];
        var w = buffer.Length;
        var negative = value < TimeSpan.Zero;

        // Counted in ticks, not nanoseconds as in Go, so that every TimeSpan fits. TimeSpan.MinValue has
        // no positive counterpart, but its magnitude fits in ulong.
        var u = negative ? (ulong)(-(value.Ticks + 1)) + 1 : (ulong)value.Ticks;
        if (u < TicksPerSecond)
        {
            buffer[--w] = 's';
            int precision;
            switch (u)
            {
                case 0:
                    return "0s";
                case < TicksPerMicrosecond:
                    precision = 0;
                    u *= NanosecondsPerTick;
                    buffer[--w] = 'n';
                    break;
                case < TicksPerMillisecond:
                    precision = 1;
                    buffer[--w] = 'µ';
                    break;
                default:
                    precision = 4;
                    buffer[--w] = 'm';
                    break;
            }

            u = WriteFraction(buffer, ref w, u, precision);
            WriteInteger(buffer, ref w, u);
        }
        else
        {
            buffer[--w] = 's';
            u = WriteFraction(buffer, ref w, u, 7);
            WriteInteger(buffer, ref w, u % 60);
            u /= 60;
            if (u > 0)
            {
                buffer[--w] = 'm';
                WriteInteger(buffer, ref w, u % 60);
                u /= 60;
                if (u > 0)
                {
                    buffer[--w] = 'h';
                    WriteInteger(buffer, ref w, u);
                }
            }
        }

        if (negative)
        {
            buffer[--w] = '-';
        }

        return new string(buffer[w..]);
    }

    private static int LeadingDigits(ReadOnlySpan<char> text)
    {
        var index = text.IndexOfAnyExceptInRange('0', '9');
        return index < 0 ? text.Length : index;
    }

    private static bool TryReadInteger(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (value > (long.MaxValue - 9) / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        return true;
    }

    private static bool TryGetUnit(ReadOnlySpan<char> unit, out ulong nanoseconds)
    {
        nanoseconds = unit switch
        {
            "ns" => Nanosecond,
            "us" or "µs" or "μs" => Microsecond,
            "ms" => Millisecond,
            "s" => Second,
            "m" => Minute,
            "h" => Hour,
            _ => 0,
        };
        return nanoseconds != 0;
    }

    // Writes the fraction of value / 10^precision without trailing zeros (and without the point when
    // it is zero); returns the integer part.
    private static ulong WriteFraction(Span<char> buffer, ref int w, ulong value, int precision)
    {
        var printed = false;
        for (var i = 0; i < precision; i++)
        {
            var digit = value % 10;
            printed |= digit != 0;
            if (printed)
            {
                buffer[--w] = (char)('0' + digit);
            }

            value /= 10;
        }

        if (printed)
        {
            buffer[--w] = '.';
        }

        return value;
    }

    private static void WriteInteger(Span<char> buffer, ref int w, ulong value)
    {
        do
        {
            buffer[--w] = (char)('0' + (value % 10));
            value /= 10;
        }
        while (value > 0);
    }
}
