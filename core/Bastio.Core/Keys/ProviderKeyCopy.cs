using System.Security.Cryptography;
using System.Text;
using Bastio.Core.Encryption;

namespace Bastio.Core.Keys;

/// <summary>
/// The encrypted copy of a ProviderKey's credential in the system namespace (layout:
/// <see cref="WellKnown.ProviderKeySecret"/>): written by the operator, read by the gateway, both here.
/// </summary>
public static class ProviderKeyCopy
{
    /// <summary>The associated data binding the copy to its ProviderKey.</summary>
    public static CiphertextBinding Binding(string @namespace, string name, string uid) => new("ProviderKey", @namespace, name, uid);

    /// <summary>The Secret data: the credential encrypted under the ring's active KEK, and its fingerprint.</summary>
    public static Dictionary<string, byte[]> Encode(string credential, EncryptionKeyRing ring, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(ring);
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WellKnown.ProviderKeySecret.ApiKey] = Encoding.UTF8.GetBytes(ring.Encrypt(Encoding.UTF8.GetBytes(credential), binding)),
            [WellKnown.ProviderKeySecret.Fingerprint] = Encoding.UTF8.GetBytes(ProviderKeyFingerprint.Compute(ring, credential)),
        };
    }

    /// <summary>The credential; null when the data holds none.</summary>
    /// <exception cref="DecryptionFailedException">It does not decrypt (tampered, wrong object, unknown KEK).</exception>
    public static string? Decode(IReadOnlyDictionary<string, byte[]>? data, EncryptionKeyRing ring, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (data is null || !data.TryGetValue(WellKnown.ProviderKeySecret.ApiKey, out var envelope))
        {
            return null;
        }

        var plaintext = ring.Decrypt(Encoding.UTF8.GetString(envelope), binding);
        try
        {
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
