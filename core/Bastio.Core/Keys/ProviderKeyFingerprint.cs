using System.Security.Cryptography;
using System.Text;

namespace Bastio.Core.Keys;

/// <summary><c>status.fingerprint</c> of a ProviderKey: the first 8 lowercase hex characters of SHA-256 of the key.</summary>
public static class ProviderKeyFingerprint
{
    public const int Length = 8;

    public static string Compute(ReadOnlySpan<byte> providerKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(providerKey, hash);
        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }

    public static string Compute(string providerKey)
    {
        var utf8 = Encoding.UTF8.GetBytes(providerKey);
        try
        {
            return Compute(utf8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }
}
