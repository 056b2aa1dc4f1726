using System.Security.Cryptography;
using System.Text;
using Bastio.Core.Encryption;

namespace Bastio.Core.Keys;

/// <summary>
/// <c>status.fingerprint</c> of a ProviderKey: the first 8 lowercase hex characters of HMAC-SHA256 of the
/// key under a per-installation secret derived from the encryption key. It tells keys apart (two
/// ProviderKeys with one credential show the same value), but unlike a plain hash it cannot be used to
/// confirm a guessed key offline: that needs the encryption key. It changes when the encryption key's
/// active version does.
/// </summary>
public static class ProviderKeyFingerprint
{
    public const int Length = 8;

    /// <summary>The HKDF purpose of the fingerprint key; a new version of the format gets a new label.</summary>
    public const string KeyPurpose = "bastio.io/provider-key-fingerprint/v1";

    public static string Compute(EncryptionKeyRing ring, string providerKey)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(providerKey);
        var key = ring.DeriveKey(KeyPurpose);
        var utf8 = Encoding.UTF8.GetBytes(providerKey);
        try
        {
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, utf8, mac);
            return Convert.ToHexStringLower(mac[..(Length / 2)]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(utf8);
        }
    }
}
