using System.Globalization;
using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Crds;
using Bastio.Kubernetes.Models;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// Maps an ApiKey's <see cref="StoredKey"/> to and from its verifier Secret in the system namespace
/// (layout: <see cref="WellKnown.VerifierSecret"/>). Verifiers are encrypted under the KEK ring and
/// bound to the ApiKey, so a verifier copied to another key's Secret does not decrypt.
/// </summary>
internal static class VerifierSecretCodec
{
    /// <summary>Slots holding an encrypted verifier (the re-encryption after a KEK rotation rewrites these).</summary>
    public static readonly string[] EncryptedSlots = [WellKnown.VerifierSecret.Current, WellKnown.VerifierSecret.Pending, WellKnown.VerifierSecret.Previous];

    /// <summary>When the current key replaced an earlier one (status.lastRotatedAt survives a lost status write).</summary>
    public const string RotatedAtAnnotation = "bastio.io/rotated-at";

    /// <summary>The rotation request the stored key serves; recorded with the pending verifier.</summary>
    public const string ServedRequestAnnotation = "bastio.io/served-rotation-request";

    public static CiphertextBinding Binding(ApiKey apiKey) =>
        new("ApiKey", apiKey.Metadata.Namespace ?? "", apiKey.Metadata.Name!, apiKey.Metadata.Uid!);

    /// <summary>Reads a verifier Secret; throws <see cref="DecryptionFailedException"/> when a verifier does not decrypt.</summary>
    public static StoredKey? Decode(Secret? secret, ApiKey apiKey, EncryptionKeyRing ring)
    {
        if (secret?.Data is not { } data || !data.TryGetValue(WellKnown.VerifierSecret.KeyId, out var keyId))
        {
            return null;
        }

        var binding = Binding(apiKey);
        byte[]? Open(string slot) =>
            data.TryGetValue(slot, out var value) ? ring.Decrypt(Encoding.UTF8.GetString(value), binding) : null;

        return new StoredKey(
            Encoding.UTF8.GetString(keyId),
            data.TryGetValue(WellKnown.VerifierSecret.Version, out var version)
                && int.TryParse(Encoding.UTF8.GetString(version), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0,
            Open(WellKnown.VerifierSecret.Current),
            Open(WellKnown.VerifierSecret.Pending),
            Open(WellKnown.VerifierSecret.Previous),
            data.TryGetValue(WellKnown.VerifierSecret.PreviousExpiresAt, out var expires)
                && DateTimeOffset.TryParse(Encoding.UTF8.GetString(expires), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            secret.Metadata.Annotations?.GetValueOrDefault(ServedRequestAnnotation),
            secret.Metadata.Annotations?.GetValueOrDefault(RotatedAtAnnotation) is { } rotatedAt
                && DateTimeOffset.TryParse(rotatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rotated) ? rotated : null);
    }

    /// <summary>The data of the Secret for <paramref name="stored"/>, with verifiers encrypted under the active KEK.</summary>
    public static Dictionary<string, byte[]> Encode(StoredKey stored, ApiKey apiKey, EncryptionKeyRing ring)
    {
        var binding = Binding(apiKey);
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WellKnown.VerifierSecret.KeyId] = Encoding.UTF8.GetBytes(stored.KeyId),
            [WellKnown.VerifierSecret.Version] = Encoding.UTF8.GetBytes(stored.Version.ToString(CultureInfo.InvariantCulture)),
        };
        void Seal(string slot, byte[]? verifier)
        {
            if (verifier is not null)
            {
                data[slot] = Encoding.UTF8.GetBytes(ring.Encrypt(verifier, binding));
            }
        }

        Seal(WellKnown.VerifierSecret.Current, stored.Current);
        Seal(WellKnown.VerifierSecret.Pending, stored.Pending);
        Seal(WellKnown.VerifierSecret.Previous, stored.Previous);
        if (stored.Previous is not null && stored.PreviousExpiresAt is { } expiresAt)
        {
            data[WellKnown.VerifierSecret.PreviousExpiresAt] = Encoding.UTF8.GetBytes(Rfc3339.Format(expiresAt));
        }

        return data;
    }
}
