using System.Globalization;
using System.Text;
using Bastio.Core.Encryption;

namespace Bastio.Core.Keys;

/// <summary>
/// What an ApiKey's verifier Secret holds, decrypted: SHA-256 verifiers of the current key, of a key
/// being rotated in (<see cref="Pending"/>) and of the previous key during its grace period. The
/// operator writes it and the gateway reads it; both go through <see cref="Encode"/> and
/// <see cref="Decode"/>, so the layout (<see cref="WellKnown.VerifierSecret"/>) is written down once.
/// </summary>
public sealed record KeyVerifiers(
    string KeyId,
    int Version,
    byte[]? Current,
    byte[]? Pending,
    byte[]? Previous,
    DateTimeOffset? PreviousExpiresAt)
{
    /// <summary>The data keys holding an encrypted verifier (a KEK rotation re-encrypts these).</summary>
    public static IReadOnlyList<string> EncryptedSlots { get; } =
        [WellKnown.VerifierSecret.Current, WellKnown.VerifierSecret.Pending, WellKnown.VerifierSecret.Previous];

    /// <summary>The associated data binding an ApiKey's verifiers to that ApiKey (a copy to another key's Secret does not decrypt).</summary>
    public static CiphertextBinding Binding(string @namespace, string name, string uid) => new("ApiKey", @namespace, name, uid);

    /// <summary>The Secret data, verifiers encrypted under the ring's active KEK.</summary>
    public Dictionary<string, byte[]> Encode(EncryptionKeyRing ring, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WellKnown.VerifierSecret.KeyId] = Encoding.UTF8.GetBytes(KeyId),
            [WellKnown.VerifierSecret.Version] = Encoding.UTF8.GetBytes(Version.ToString(CultureInfo.InvariantCulture)),
        };
        void Seal(string slot, byte[]? verifier)
        {
            if (verifier is not null)
            {
                data[slot] = Encoding.UTF8.GetBytes(ring.Encrypt(verifier, binding));
            }
        }

        Seal(WellKnown.VerifierSecret.Current, Current);
        Seal(WellKnown.VerifierSecret.Pending, Pending);
        Seal(WellKnown.VerifierSecret.Previous, Previous);
        if (Previous is not null && PreviousExpiresAt is { } expiresAt)
        {
            // RFC 3339 at whole seconds, as Kubernetes writes timestamps.
            data[WellKnown.VerifierSecret.PreviousExpiresAt] =
                Encoding.UTF8.GetBytes(expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        return data;
    }

    /// <summary>Reads verifier Secret data; null when it names no key id.</summary>
    /// <exception cref="DecryptionFailedException">A verifier does not decrypt (tampered, wrong object, unknown KEK).</exception>
    /// <exception cref="FormatException">The version or expiry is not what <see cref="Encode"/> writes.</exception>
    public static KeyVerifiers? Decode(IReadOnlyDictionary<string, byte[]>? data, EncryptionKeyRing ring, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (data is null || !data.TryGetValue(WellKnown.VerifierSecret.KeyId, out var keyId))
        {
            return null;
        }

        byte[]? Open(string slot) =>
            data.TryGetValue(slot, out var value) ? ring.Decrypt(Encoding.UTF8.GetString(value), binding) : null;

        var version = 0;
        if (data.TryGetValue(WellKnown.VerifierSecret.Version, out var versionText)
            && !int.TryParse(Encoding.UTF8.GetString(versionText), NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            throw new FormatException($"{WellKnown.VerifierSecret.Version} is not a whole number.");
        }

        DateTimeOffset? previousExpiresAt = null;
        if (data.TryGetValue(WellKnown.VerifierSecret.PreviousExpiresAt, out var expiresText))
        {
            previousExpiresAt = DateTimeOffset.TryParse(Encoding.UTF8.GetString(expiresText), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : throw new FormatException($"{WellKnown.VerifierSecret.PreviousExpiresAt} is not an RFC 3339 time.");
        }

        return new KeyVerifiers(
            Encoding.UTF8.GetString(keyId),
            version,
            Open(WellKnown.VerifierSecret.Current),
            Open(WellKnown.VerifierSecret.Pending),
            Open(WellKnown.VerifierSecret.Previous),
            previousExpiresAt);
    }
}
