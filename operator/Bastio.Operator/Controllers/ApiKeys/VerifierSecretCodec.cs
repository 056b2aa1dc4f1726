using System.Globalization;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Objects;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// Maps an ApiKey's <see cref="StoredKey"/> to and from its verifier Secret in the system namespace.
/// The data layout is <see cref="KeyVerifiers"/>' (shared with the gateway, which reads it); this adds
/// the operator's own bookkeeping annotations. Verifiers are encrypted under the KEK ring and bound to
/// the ApiKey, so a verifier copied to another key's Secret does not decrypt.
/// </summary>
internal static class VerifierSecretCodec
{
    /// <summary>When the current key replaced an earlier one (status.lastRotatedAt survives a lost status write).</summary>
    public const string RotatedAtAnnotation = "bastio.io/rotated-at";

    /// <summary>The rotation request the stored key serves; recorded with the pending verifier.</summary>
    public const string ServedRequestAnnotation = "bastio.io/served-rotation-request";

    public static CiphertextBinding Binding(ApiKey apiKey) =>
        KeyVerifiers.Binding(apiKey.Metadata.NamespaceProperty ?? "", apiKey.Metadata.Name!, apiKey.Metadata.Uid!);

    /// <summary>
    /// Whether <paramref name="secret"/> is a verifier Secret made for an ApiKey of this namespace and
    /// name: this one, or one of the same name that was deleted while the operator was away (its verifiers,
    /// bound to the old uid, do not decrypt for this one and are replaced).
    /// </summary>
    public static bool IsVerifierOf(V1Secret secret, ApiKey apiKey) =>
        secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.ManagedBy) == WellKnown.Labels.ManagedByValue
        && secret.Metadata.Labels.GetValueOrDefault(WellKnown.Labels.Component) == WellKnown.Components.ApiKeyVerifier
        && ManagedLabels.Source(secret) is { Kind: "ApiKey" } source
        && source.Namespace == apiKey.Metadata.NamespaceProperty
        && source.Name == apiKey.Metadata.Name;

    /// <summary>Reads a verifier Secret.</summary>
    /// <exception cref="DecryptionFailedException">A verifier does not decrypt.</exception>
    /// <exception cref="FormatException">The Secret's data is not what the operator writes.</exception>
    public static StoredKey? Decode(V1Secret? secret, ApiKey apiKey, EncryptionKeyRing ring)
    {
        if (secret is null || KeyVerifiers.Decode(secret.Data?.AsReadOnly(), ring, Binding(apiKey)) is not { } verifiers)
        {
            return null;
        }

        var annotations = secret.Metadata.Annotations;
        return new StoredKey(
            verifiers.KeyId,
            verifiers.Version,
            verifiers.Current,
            verifiers.Pending,
            verifiers.Previous,
            annotations?.GetValueOrDefault(ServedRequestAnnotation),
            annotations?.GetValueOrDefault(RotatedAtAnnotation) is { } rotatedAt
                && DateTimeOffset.TryParse(rotatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rotated) ? rotated : null,
            verifiers.Epoch);
    }

    /// <summary>
    /// The verifier Secret exactly as the operator writes it for <paramref name="stored"/>; labels and
    /// annotations of <paramref name="existing"/> that are not ours are kept.
    /// </summary>
    public static V1Secret ToSecret(ApiKey apiKey, StoredKey stored, EncryptionKeyRing ring, string systemNamespace, V1Secret? existing = null)
    {
        var metadata = existing is null ? new V1ObjectMeta() : ObjectCopy.Of(existing.Metadata);
        metadata.Name = ManagedObjectNames.VerifierSecret(apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!);
        metadata.NamespaceProperty = systemNamespace;
        metadata.Labels = ManagedLabels.ForSource(apiKey, "ApiKey", WellKnown.Components.ApiKeyVerifier, metadata.Labels);
        metadata.Labels[WellKnown.Labels.Proxy] = apiKey.Spec.ProxyRef.Name;
        metadata.Labels[WellKnown.Labels.KeyId] = stored.KeyId;
        metadata.Annotations = ManagedAnnotations.With(metadata.Annotations);
        SetOrRemove(metadata.Annotations, ServedRequestAnnotation, stored.ServedRotationRequest);
        SetOrRemove(metadata.Annotations, RotatedAtAnnotation, stored.RotatedAt is { } rotatedAt ? Rfc3339.Format(rotatedAt) : null);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Immutable = existing?.Immutable,
            Metadata = metadata,
            Data = Encode(stored, apiKey, ring),
        };
    }

    /// <summary>The data of the Secret for <paramref name="stored"/>, with verifiers encrypted under the active KEK.</summary>
    public static Dictionary<string, byte[]> Encode(StoredKey stored, ApiKey apiKey, EncryptionKeyRing ring) =>
        new KeyVerifiers(stored.KeyId, stored.Version, stored.Current, stored.Pending, stored.Previous, stored.Epoch)
            .Encode(ring, Binding(apiKey));

    private static void SetOrRemove(IDictionary<string, string> annotations, string name, string? value)
    {
        if (value is null)
        {
            annotations.Remove(name);
        }
        else
        {
            annotations[name] = value;
        }
    }
}
