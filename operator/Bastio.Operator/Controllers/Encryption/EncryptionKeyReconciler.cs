using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Events;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Logging;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Metrics;
using Bastio.Operator.Objects;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>
/// Creates Secret <c>bastio-encryption-key</c> on a fresh installation, and after a new version became
/// active (someone added <c>k2</c> and set <c>active: k2</c>) re-encrypts every managed Secret under
/// it. Older versions stay in the Secret: a restored backup or a lagging gateway may still need them.
/// Losing the key is never silent: while managed Secrets are encrypted under versions the Secret does
/// not hold, no new key is made (the operator restores the Secret from the ring it last read, or reports
/// the loss) until a person asks for a fresh start with <see cref="EncryptionKeyReset.Annotation"/>.
/// </summary>
internal sealed partial class EncryptionKeyReconciler(
    ResourceClients clients,
    OperatorCaches caches,
    IEventRecorder events,
    OperatorMetrics metrics,
    OperatorOptions options,
    ILogger<EncryptionKeyReconciler> logger) : IReconciler
{
    private const string Remedy = " Restore the Secret from a backup, or start over with a new key (annotation " + EncryptionKeyReset.Annotation + ", see docs/encryption-key.md).";

    /// <summary>How often a lost key is reported again while nobody acts.</summary>
    public static readonly TimeSpan LossReportInterval = TimeSpan.FromMinutes(5);

    // The last ring read from the Secret: what a deleted Secret is restored from. Replaced whole.
    private EncryptionKeyRing? _lastRing;

    public ObjectKey Key => new(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var secret = caches.EncryptionKey.Store.Get(key)
            ?? await clients.Secrets.TryGetAsync(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name, cancellationToken).ConfigureAwait(false);
        var used = EncryptionKeyReset.VersionsInUse(caches.SystemSecrets.Store.List());
        if (secret is null)
        {
            // The ring last read is the same key: restoring it keeps every verifier and copy decrypting.
            var restorable = Volatile.Read(ref _lastRing) ?? (used.Count == 0 ? EncryptionKeyRing.CreateNew() : null);
            if (restorable is null)
            {
                return await ReportLossAsync(MissingSubject(), $"Secret {options.SystemNamespace}/{WellKnown.EncryptionKeySecret.Name} is missing while managed Secrets are encrypted under it; no new key is created and no client key is re-issued." + Remedy, cancellationToken).ConfigureAwait(false);
            }

            secret = await CreateAsync(restorable, cancellationToken).ConfigureAwait(false);
        }
        else if (EncryptionKeyReset.IsRequested(secret) && (secret.Data is null || secret.Data.Count == 0))
        {
            secret = await StartOverAsync(secret, used, cancellationToken).ConfigureAwait(false);
        }

        if (IsOurs(secret))
        {
            secret = await ManagedAnnotations.EnsureAsync(clients.Secrets, secret, cancellationToken).ConfigureAwait(false);
        }

        EncryptionKeyRing ring;
        try
        {
            ring = EncryptionKeyRing.FromSecretData(secret.Data?.AsReadOnly() ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, byte[]>.Empty);
        }
        catch (InvalidKeyRingException exception)
        {
            // Only a person can repair the Secret; its next change triggers a reconcile.
            return ReconcileResult.Terminal(exception);
        }

        var lost = used.Where(version => !ring.Versions.Contains(version)).ToList();
        if (lost.Count > 0 && !EncryptionKeyReset.IsRequested(secret))
        {
            return await ReportLossAsync(secret, $"Secret {options.SystemNamespace}/{WellKnown.EncryptionKeySecret.Name} lacks key version(s) {string.Join(", ", lost)} that managed Secrets are encrypted under; no client key is re-issued." + Remedy, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _lastRing, ring);
        metrics.SetEncryptionKeyMissing(false);
        if (lost.Count == 0 && EncryptionKeyReset.IsRequested(secret))
        {
            // Every key encrypted under the lost versions was re-issued: the reset is complete, and a later loss is loud again.
            secret = await clients.Secrets.PatchAsync(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name, PatchType.Merge, EncryptionKeyReset.ClearPatch, cancellationToken: cancellationToken).ConfigureAwait(false);
            await events.RecordAsync(secret, EventType.Normal, EncryptionKeyReset.CompletedReason, "Every key encrypted under the lost encryption key was re-issued; the reset is complete.", cancellationToken).ConfigureAwait(false);
        }

        foreach (var managed in caches.SystemSecrets.Store.List())
        {
            await ReEncryptAsync(managed, ring, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> ReportLossAsync(V1Secret subject, string message, CancellationToken cancellationToken)
    {
        metrics.SetEncryptionKeyMissing(true);
        Log.KeyLost(logger, message);
        await events.RecordAsync(subject, EventType.Warning, EncryptionKeyReset.MissingReason, message, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Requeue(LossReportInterval);
    }

    /// <summary>A person asked for a fresh start: a new ring numbered above every version in use, so what it replaces stays recognisably lost.</summary>
    private async Task<V1Secret> StartOverAsync(V1Secret requested, IReadOnlySet<string> used, CancellationToken cancellationToken)
    {
        var ring = EncryptionKeyRing.CreateNewAbove(used);

        var copy = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = requested.Type ?? "Opaque",
            Metadata = ObjectCopy.Of(requested.Metadata),
            Data = ring.ToSecretData(),
        };
        var written = await clients.Secrets.ReplaceAsync(copy, cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.StartedOver(logger, options.SystemNamespace, WellKnown.EncryptionKeySecret.Name, ring.ActiveVersion);
        await events.RecordAsync(written, EventType.Warning, EncryptionKeyReset.ResetReason, $"Started over with new encryption key version {ring.ActiveVersion} as requested by annotation {EncryptionKeyReset.Annotation}; every key encrypted under the lost key is re-issued (and audited).", cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Events about a Secret that does not exist name it without a uid.</summary>
    private V1Secret MissingSubject() => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = WellKnown.EncryptionKeySecret.Name, NamespaceProperty = options.SystemNamespace },
    };

    // A Secret a person or a restore created stays as they wrote it; only the one this operator generated is marked for Argo CD.
    private static bool IsOurs(V1Secret secret) =>
        secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.ManagedBy) == WellKnown.Labels.ManagedByValue;

    /// <summary>The encryption key Secret exactly as the operator creates it, holding <paramref name="ring"/>.</summary>
    internal static V1Secret NewKeySecret(EncryptionKeyRing ring, string systemNamespace) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new V1ObjectMeta
        {
            Name = WellKnown.EncryptionKeySecret.Name,
            NamespaceProperty = systemNamespace,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [WellKnown.Labels.ManagedBy] = WellKnown.Labels.ManagedByValue,
                [WellKnown.Labels.Component] = WellKnown.Components.EncryptionKey,
            },
            Annotations = ManagedAnnotations.With(null),
        },
        Data = ring.ToSecretData(),
    };

    /// <summary>Creates the Secret holding <paramref name="ring"/>: a new one on a fresh installation, or the one last read when it was deleted.</summary>
    private async Task<V1Secret> CreateAsync(EncryptionKeyRing ring, CancellationToken cancellationToken)
    {
        var restoring = ReferenceEquals(ring, Volatile.Read(ref _lastRing));
        var secret = NewKeySecret(ring, options.SystemNamespace);
        try
        {
            var created = await clients.Secrets.CreateAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (restoring)
            {
                Log.Restored(logger, options.SystemNamespace, WellKnown.EncryptionKeySecret.Name);
                await events.RecordAsync(created, EventType.Warning, EncryptionKeyReset.RestoredReason, $"Secret {options.SystemNamespace}/{WellKnown.EncryptionKeySecret.Name} was deleted; restored it from the key ring the operator held in memory (versions {string.Join(", ", ring.Versions)}). No client key was re-issued. Find out who deleted it, and keep a backup of this Secret.", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log.Created(logger, options.SystemNamespace, WellKnown.EncryptionKeySecret.Name);
            }

            return created;
        }
        catch (AlreadyExistsException)
        {
            // Another writer (a person, a restore, another replica before leadership moved) was first: use theirs.
            return await clients.Secrets.GetAsync(options.SystemNamespace, WellKnown.EncryptionKeySecret.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReEncryptAsync(V1Secret managed, EncryptionKeyRing ring, CancellationToken cancellationToken)
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

        var copy = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = managed.Type,
            Metadata = ObjectCopy.Of(managed.Metadata),
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
        [LoggerMessage(OperatorLogEvents.EncryptionKeyCreated, LogLevel.Information, "Created encryption key Secret {Namespace}/{Name}")]
        public static partial void Created(ILogger logger, string @namespace, string name);

        [LoggerMessage(OperatorLogEvents.EncryptionKeyReEncrypted, LogLevel.Information, "Re-encrypted Secret {Name} under key version {Version}")]
        public static partial void ReEncrypted(ILogger logger, string name, string version);

        [LoggerMessage(OperatorLogEvents.EncryptionKeyNotReEncrypted, LogLevel.Warning, "Secret {Name}: entry {Slot} does not decrypt ({Error}); left for its controller to replace")]
        public static partial void NotReEncrypted(ILogger logger, string name, string slot, string error);

        [LoggerMessage(OperatorLogEvents.EncryptionKeyLost, LogLevel.Error, "Encryption key lost: {Message}")]
        public static partial void KeyLost(ILogger logger, string message);

        [LoggerMessage(OperatorLogEvents.EncryptionKeyRestored, LogLevel.Error, "Encryption key Secret {Namespace}/{Name} was deleted; restored it from the key ring held in memory")]
        public static partial void Restored(ILogger logger, string @namespace, string name);

        [LoggerMessage(OperatorLogEvents.EncryptionKeyStartedOver, LogLevel.Warning, "Encryption key Secret {Namespace}/{Name}: started over with new key version {Version} as requested; keys under the lost key are re-issued")]
        public static partial void StartedOver(ILogger logger, string @namespace, string name, string version);
    }
}
