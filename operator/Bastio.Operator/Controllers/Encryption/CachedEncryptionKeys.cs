using Bastio.Core;
using Bastio.Core.Encryption;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Configuration;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>Parses the ring from the informer cache once per resourceVersion of the Secret.</summary>
internal sealed class CachedEncryptionKeys(IInformer<V1Secret> encryptionKeySecret, OperatorOptions options) : IEncryptionKeys
{
    // Replaced whole (a reference), so concurrent readers never see a torn pair.
    private Parsed? _parsed;

    public EncryptionKeyRing Ring
    {
        get
        {
            var secret = encryptionKeySecret.Store.Get(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name)
                ?? throw new EncryptionKeyUnavailableException($"Secret {options.SystemNamespace}/{WellKnown.EncryptionKeySecret.Name} does not exist yet.", missing: true);
            var parsed = Volatile.Read(ref _parsed);
            if (parsed is not null && parsed.ResourceVersion == secret.Metadata.ResourceVersion)
            {
                return parsed.Ring;
            }

            try
            {
                var ring = EncryptionKeyRing.FromSecretData(secret.Data?.AsReadOnly() ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, byte[]>.Empty);
                Volatile.Write(ref _parsed, new Parsed(secret.Metadata.ResourceVersion, ring));
                return ring;
            }
            catch (InvalidKeyRingException exception)
            {
                throw new EncryptionKeyUnavailableException($"Secret {options.SystemNamespace}/{WellKnown.EncryptionKeySecret.Name} is invalid: {exception.Message}", missing: false);
            }
        }
    }

    public bool ResetRequested =>
        EncryptionKeyReset.IsRequested(encryptionKeySecret.Store.Get(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name));

    private sealed record Parsed(string? ResourceVersion, EncryptionKeyRing Ring);
}
