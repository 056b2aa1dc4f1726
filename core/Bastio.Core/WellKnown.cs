namespace Bastio.Core;

/// <summary>
/// Names shared by the operator (which writes them) and the gateway (which reads them). Changing
/// any of these is a breaking change between component versions.
/// </summary>
public static class WellKnown
{
    public const string DefaultSystemNamespace = "bastio-system";

    /// <summary>Finalizer the operator puts on ApiKeys and ProviderKeys to remove their system-namespace objects.</summary>
    public const string Finalizer = "bastio.io/cleanup";

    public const string RotateRequestedAtAnnotation = "bastio.io/rotate-requested-at";

    /// <summary>
    /// Optional Go duration overriding <c>spec.rotation.gracePeriod</c> for the rotation requested alongside
    /// it; <c>0s</c> regenerates the key with no grace (`kubectl bastio keys regenerate`). Metadata, like the
    /// request itself, so GitOps sees no drift; the rotate command clears it with every request it makes.
    /// </summary>
    public const string RotateGraceAnnotation = "bastio.io/rotate-grace";

    public static class Labels
    {
        public const string ManagedBy = "app.kubernetes.io/managed-by";
        public const string ManagedByValue = "bastio-operator";

        /// <summary>What a managed object is: one of the <see cref="Components"/> values.</summary>
        public const string Component = "bastio.io/component";

        /// <summary>The source object's kind, namespace, name and uid (names are at most 63 characters, see the CRDs).</summary>
        public const string SourceKind = "bastio.io/source-kind";
        public const string SourceNamespace = "bastio.io/source-namespace";
        public const string SourceName = "bastio.io/source-name";
        public const string SourceUid = "bastio.io/source-uid";

        public const string Proxy = "bastio.io/proxy";
        public const string KeyId = "bastio.io/key-id";

        /// <summary>
        /// A Secret a ProviderKey may read carries this label with value <see cref="ProviderKeySourceValue"/>:
        /// sources opt in, so creating a ProviderKey cannot send any other Secret of the namespace to an upstream.
        /// </summary>
        public const string ProviderKeySource = "bastio.io/provider-key";
        public const string ProviderKeySourceValue = "true";
    }

    public static class Components
    {
        public const string EncryptionKey = "encryption-key";
        public const string ApiKeyVerifier = "apikey-verifier";
        public const string ProviderKeyCopy = "providerkey";
        public const string DeliverySecret = "apikey-delivery";
        public const string RotationCronJob = "rotation";

        /// <summary>A gateway replica's acknowledgement Lease (<see cref="GatewayAcknowledgement"/>).</summary>
        public const string GatewayAcknowledgement = "gateway-acknowledgement";
    }

    /// <summary>
    /// One coordination.k8s.io Lease per gateway replica in the system namespace, renewed while the
    /// replica serves: the highest verifier epoch (<see cref="VerifierSecret.Epoch"/>) its served snapshot
    /// holds. The operator delivers a new key only once every fresh Lease acknowledged the epoch of the
    /// key's verifier, so a delivered key is never refused.
    /// </summary>
    public static class GatewayAcknowledgement
    {
        public const string NamePrefix = "bastio-gateway-ack-";

        /// <summary>Annotation holding the acknowledged epoch, a decimal number.</summary>
        public const string EpochAnnotation = "bastio.io/verifier-epoch";
    }

    /// <summary>Secret <c>bastio-encryption-key</c> in the system namespace: versioned KEKs, one active.</summary>
    public static class EncryptionKeySecret
    {
        public const string Name = "bastio-encryption-key";

        /// <summary>Data key holding the active version's name, e.g. <c>k2</c>.</summary>
        public const string ActiveKey = "active";

        /// <summary>Every other data key is a version name (<c>k1</c>, <c>k2</c>...) whose value is 32 random bytes.</summary>
        public const string VersionPrefix = "k";
    }

    /// <summary>
    /// Verifier Secret of an ApiKey, in the system namespace. Verifiers are SHA-256 of the full client
    /// key, encrypted with associated data bound to the ApiKey (kind/namespace/name/uid).
    /// </summary>
    public static class VerifierSecret
    {
        public const string NamePrefix = "bastio-ak-";
        public const string KeyId = "keyId";
        public const string Current = "current";

        /// <summary>
        /// A new key's verifier, written before the new key reaches the delivery Secret so the gateway
        /// already accepts it; promoted to <see cref="Current"/> once delivered. This ordering makes
        /// rotation crash-safe: the delivery Secret never holds a key the gateway would refuse.
        /// </summary>
        public const string Pending = "pending";

        public const string Previous = "previous";

        /// <summary>RFC 3339; the previous verifier is refused from this moment.</summary>
        public const string PreviousExpiresAt = "previousExpiresAt";

        /// <summary>Key version number (1, 2, ...), incremented by each rotation.</summary>
        public const string Version = "version";

        /// <summary>
        /// Older previous keys still in their grace period, newest first after <see cref="Previous"/>:
        /// <c>previous.2</c> with <c>previousExpiresAt.2</c> up to <see cref="Keys.KeyVerifiers.MaxPrevious"/>.
        /// A reader that knows only <see cref="Previous"/> still accepts the newest previous key.
        /// </summary>
        public const string OlderPreviousSeparator = ".";

        /// <summary>
        /// The installation-wide verifier epoch of the last write that added a verifier (plain text, not
        /// secret): gateway replicas acknowledge the highest epoch they serve, and the operator delivers a
        /// new key only once every ready replica acknowledged its epoch.
        /// </summary>
        public const string Epoch = "epoch";
    }

    /// <summary>Encrypted copy of a ProviderKey's source Secret value, in the system namespace.</summary>
    public static class ProviderKeySecret
    {
        public const string NamePrefix = "bastio-pk-";
        public const string ApiKey = "apiKey";
        /// <summary>The key's <see cref="Keys.ProviderKeyFingerprint"/> (keyed, as in the ProviderKey's status).</summary>
        public const string Fingerprint = "fingerprint";
    }

    /// <summary>Delivery Secret in the ApiKey's namespace (plaintext for the app to mount).</summary>
    public static class DeliverySecret
    {
        public const string ApiKey = "apiKey";
        public const string KeyId = "keyId";
        public const string BaseUrl = "baseUrl";
    }
}
