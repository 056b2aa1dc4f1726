using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.ApiKeys;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>
/// Creates Secret <c>bastio-encryption-key</c> when it is missing, and after a new version became
/// active (someone added <c>k2</c> and set <c>active: k2</c>) re-encrypts every managed Secret under
/// it. Older versions stay in the Secret: a restored backup or a lagging gateway may still need them.
/// </summary>
internal sealed partial class EncryptionKeyReconciler(
    ResourceClients clients,
    OperatorCaches caches,
    OperatorOptions options,
    ILogger<EncryptionKeyReconciler> logger) : IReconciler
{
    public ObjectKey Key => new(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var secret = caches.EncryptionKey.Store.Get(key)
            ?? await clients.Secrets.TryGetAsync(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name, cancellationToken).ConfigureAwait(false)
            ?? await CreateAsync(cancellationToken).ConfigureAwait(false);
        if (IsOurs(secret))
        {
            secret = await ManagedAnnotations.EnsureAsync(clients.Secrets, secret, cancellationToken).ConfigureAwait(false);
        }

        EncryptionKeyRing ring;
        try
        {
            ring = EncryptionKeyRing.FromSecretData(secret.Data ?? []);
        }
        catch (InvalidKeyRingException exception)
        {
            // Only a person can repair the Secret; its next change triggers a reconcile.
            return ReconcileResult.Terminal(exception);
        }

        foreach (var managed in caches.SystemSecrets.Store.List())
        {
            await ReEncryptAsync(managed, ring, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    // A Secret a person or a restore created stays as they wrote it; only the one this operator generated is marked for Argo CD.
    private static bool IsOurs(Secret secret) =>
        secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.ManagedBy) == WellKnown.Labels.ManagedByValue;

    /// <summary>The encryption key Secret exactly as the operator creates it, holding <paramref name="ring"/>.</summary>
    internal static Secret NewKeySecret(EncryptionKeyRing ring, string systemNamespace) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new ObjectMeta
        {
            Name = WellKnown.EncryptionKeySecret.Name,
            Namespace = systemNamespace,
            Labels = new(StringComparer.Ordinal)
            {
                [WellKnown.Labels.ManagedBy] = WellKnown.Labels.ManagedByValue,
                [WellKnown.Labels.Component] = WellKnown.Components.EncryptionKey,
            },
            Annotations = ManagedAnnotations.With(null),
        },
        Data = ring.ToSecretData(),
    };

    private async Task<Secret> CreateAsync(CancellationToken cancellationToken)
    {
        var secret = NewKeySecret(EncryptionKeyRing.CreateNew(), options.SystemNamespace);
        try
        {
            var created = await clients.Secrets.CreateAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.Created(logger, options.SystemNamespace, WellKnown.EncryptionKeySecret.Name);
            return created;
        }
        catch (AlreadyExistsException)
        {
            // Another writer (a person, a restore, another replica before leadership moved) was first: use theirs.
            return await clients.Secrets.GetAsync(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReEncryptAsync(Secret managed, EncryptionKeyRing ring, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> slots = managed.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.Component) switch
        {
            WellKnown.Components.ApiKeyVerifier => KeyVerifiers.EncryptedSlots,
            WellKnown.Components.ProviderKeyCopy => [WellKnown.ProviderKeySecret.ApiKey],
            _ => [],
        };
        if (slots.Count == 0 || managed.Data is null || ManagedLabels.Source(managed) is not { Uid: { } uid } source)
        {
            return;
        }

        var binding = new CiphertextBinding(source.Kind, source.Namespace, source.Name, uid);
        Dictionary<string, byte[]>? data = null;
        foreach (var slot in slots)
        {
            if (!managed.Data.TryGetValue(slot, out var value) || ring.IsOnActiveVersion(Encoding.UTF8.GetString(value)))
            {
                continue;
            }

            try
            {
                data ??= new Dictionary<string, byte[]>(managed.Data, StringComparer.Ordinal);
                data[slot] = Encoding.UTF8.GetBytes(ring.ReEncrypt(Encoding.UTF8.GetString(value), binding));
            }
            catch (DecryptionFailedException exception)
            {
                // The owning controller replaces what does not decrypt; nothing to carry over here.
                Log.NotReEncrypted(logger, managed.Metadata.Name!, slot, exception.Message);
                return;
            }
        }

        if (data is null)
        {
            return;
        }

        var copy = new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = managed.Type,
            Metadata = ObjectMetaCopy.Of(managed.Metadata),
            Data = data,
        };
        try
        {
            await clients.Secrets.ReplaceAsync(copy, cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.ReEncrypted(logger, managed.Metadata.Name!, ring.ActiveVersion);
        }
        catch (ConflictException)
        {
            // Changed meanwhile: the change's watch event brings this Secret back through a reconcile.
        }
        catch (NotFoundException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created encryption key Secret {Namespace}/{Name}")]
        public static partial void Created(ILogger logger, string @namespace, string name);

        [LoggerMessage(2, LogLevel.Information, "Re-encrypted Secret {Name} under key version {Version}")]
        public static partial void ReEncrypted(ILogger logger, string name, string version);

        [LoggerMessage(3, LogLevel.Warning, "Secret {Name}: entry {Slot} does not decrypt ({Error}); left for its controller to replace")]
        public static partial void NotReEncrypted(ILogger logger, string name, string slot, string error);
    }
}
