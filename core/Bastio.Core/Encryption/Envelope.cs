using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Bastio.Core.Encryption;

/// <summary>
/// <c>v1.&lt;kekVersion&gt;.&lt;base64url(nonce | ciphertext | tag)&gt;</c>. Naming the KEK version lets
/// decryption pick the key and lets re-encryption find entries not yet on the active version.
/// </summary>
internal static class Envelope
{
    public const string FormatVersion = "v1";
    public const int NonceSize = 12;
    public const int TagSize = 16;

    public static string Write(string keyVersion, ReadOnlySpan<byte> payload) =>
        string.Concat(FormatVersion, ".", keyVersion, ".", Base64Url.EncodeToString(payload));

    public static bool TryReadKeyVersion(string envelope, [NotNullWhen(true)] out string? keyVersion)
    {
        keyVersion = null;
        var parts = envelope.Split('.');
        if (parts.Length != 3 || parts[0] != FormatVersion || !KeyVersionName.IsValid(parts[1]))
        {
            return false;
        }

        keyVersion = parts[1];
        return true;
    }

    public static bool TryRead(string envelope, [NotNullWhen(true)] out string? keyVersion, [NotNullWhen(true)] out byte[]? payload)
    {
        payload = null;
        if (!TryReadKeyVersion(envelope, out keyVersion))
        {
            return false;
        }

        var encoded = envelope.AsSpan(envelope.LastIndexOf('.') + 1);
        var buffer = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (!Base64Url.IsValid(encoded) || !Base64Url.TryDecodeFromChars(encoded, buffer, out var written) || written < NonceSize + TagSize)
        {
            keyVersion = null;
            return false;
        }

        payload = buffer[..written];
        return true;
    }
}

/// <summary>KEK version names: <c>k</c> followed by a positive number without leading zeros.</summary>
internal static class KeyVersionName
{
    public static string Format(int number) => WellKnown.EncryptionKeySecret.VersionPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsValid(string name) => TryGetNumber(name, out _);

    public static bool TryGetNumber(string name, out int number)
    {
        number = 0;
        var digits = name.AsSpan();
        if (!digits.StartsWith(WellKnown.EncryptionKeySecret.VersionPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        digits = digits[WellKnown.EncryptionKeySecret.VersionPrefix.Length..];
        return digits.Length is > 0 and <= 9
            && digits[0] != '0'
            && !digits.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);
    }
}
