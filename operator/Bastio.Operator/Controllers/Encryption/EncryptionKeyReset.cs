using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>
/// The names and rules of encryption-key loss and of the explicit fresh start (docs/encryption-key.md).
/// Only ApiKey verifiers count as encrypted under the key: their plaintext exists nowhere else, so
/// losing the key loses every client key. Provider-key copies are encrypted again from their sources.
/// </summary>
internal static class EncryptionKeyReset
{
    /// <summary>On Secret <c>bastio-encryption-key</c> created without data: a person accepts that keys under the lost key are re-issued.</summary>
    public const string Annotation = "bastio.io/reset-encryption-key";

    /// <summary>Warning Event: managed Secrets are encrypted under versions the Secret does not hold (or it is gone).</summary>
    public const string MissingReason = "EncryptionKeyMissing";

    /// <summary>Warning Event: the deleted Secret was written again from the ring held in memory.</summary>
    public const string RestoredReason = "EncryptionKeyRestored";

    /// <summary>Warning Event: a new ring was generated on request; the keys it replaces are re-issued.</summary>
    public const string ResetReason = "EncryptionKeyReset";

    /// <summary>Event once every key under the lost key was re-issued and the annotation removed.</summary>
    public const string CompletedReason = "EncryptionKeyResetCompleted";

    /// <summary>Audit actor of those re-issues.</summary>
    public const string Actor = "encryption-key-reset";

    public const string ClearPatch = "{\"metadata\":{\"annotations\":{\"" + Annotation + "\":null}}}";

    public static bool IsRequested(V1Secret? encryptionKeySecret) =>
        encryptionKeySecret?.Metadata.Annotations?.GetValueOrDefault(Annotation) is { Length: > 0 } value && value != "false";

    /// <summary>The key versions the verifiers among <paramref name="managed"/> are encrypted under (read from the envelopes, nothing decrypted).</summary>
    public static IReadOnlySet<string> VersionsInUse(IEnumerable<V1Secret> managed)
    {
        var versions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in managed)
        {
            if (secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.Component) != WellKnown.Components.ApiKeyVerifier || secret.Data is null)
            {
                continue;
            }

            foreach (var slot in KeyVerifiers.EncryptedSlots)
            {
                if (secret.Data.TryGetValue(slot, out var value) && EncryptionKeyRing.TryGetKeyVersion(Encoding.UTF8.GetString(value), out var version))
                {
                    versions.Add(version);
                }
            }
        }

        return versions;
    }
}
