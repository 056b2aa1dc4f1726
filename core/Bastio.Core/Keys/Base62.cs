using System.Buffers;
using System.Security.Cryptography;

namespace Bastio.Core.Keys;

/// <summary>Base62 with the alphabet <c>0-9A-Za-z</c> (ASCII order, so encodings sort like their values).</summary>
internal static class Base62
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> Characters = SearchValues.Create(Alphabet);

    public static bool IsBase62(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(Characters);

    /// <summary>
    /// Fills <paramref name="destination"/> with uniformly random characters. <see cref="RandomNumberGenerator.GetItems{T}(ReadOnlySpan{T}, Span{T})"/>
    /// draws by rejection sampling, so there is no modulo bias.
    /// </summary>
    public static void FillRandom(Span<char> destination) => RandomNumberGenerator.GetItems(Alphabet.AsSpan(), destination);

    /// <summary>Writes <paramref name="value"/> as exactly <c>destination.Length</c> digits, most significant first.</summary>
    public static void WriteFixed(uint value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}
