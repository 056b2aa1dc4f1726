using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Crds.Validation;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Objects;
using static Bastio.Crds.Vocabulary.ProviderKeyConditions;

namespace Bastio.Operator.Controllers.ProviderKeys;

/// <summary>
/// Keeps an encrypted copy of a ProviderKey's source Secret value in the system namespace, validates
/// it against the provider on an interval, and drives migrations from the key it replaces.
/// </summary>
internal sealed class ProviderKeyReconciler(
    ResourceClients clients,
    OperatorCaches caches,
    IEncryptionKeys encryptionKeys,
    IProviderValidator validator,
    ILifecycleRecorder recorder,
    OperatorOptions options,
    TimeProvider timeProvider) : IReconciler
{
    /// <summary>Ready=False: the source Secret does not carry <see cref="WellKnown.Labels.ProviderKeySource"/>.</summary>
    public const string SourceNotAllowed = EventReasons.SourceNotAllowed;

    private static readonly TimeSpan DefaultValidationInterval = TimeSpan.FromHours(6);

    // A check that said nothing about the key (unreachable, redirected, address refused) is repeated
    // sooner, so a fixed upstream or a widened --upstream-allow-cidrs is noticed without waiting hours.
    private static readonly TimeSpan InconclusiveRetryInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan DefaultMigrationDuration = TimeSpan.FromMinutes(10);

    // The last check per ProviderKey uid; one entry a key, removed with the key.
    private readonly ConcurrentDictionary<string, RecentValidation> _recent = new(StringComparer.Ordinal);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var providerKey = caches.ProviderKeys.Store.Get(key);
        if (providerKey is null)
        {
            return ReconcileResult.Done;
        }

        var withFinalizer = await Finalizers.GuardAsync(clients.ProviderKeys, providerKey, WellKnown.Finalizer, FinalizeAsync, cancellationToken).ConfigureAwait(false);
        if (withFinalizer is null)
        {
            return ReconcileResult.Done;
        }

        providerKey = withFinalizer;
        var now = timeProvider.GetUtcNow();
        var ns = providerKey.Metadata.NamespaceProperty!;
        var generation = providerKey.Metadata.Generation;
        var old = providerKey.Status;
        var status = new ProviderKeyStatus
        {
            ObservedGeneration = generation,
            Conditions = ObjectCopy.Of(old?.Conditions),
            Phase = old?.Phase,
            Fingerprint = old?.Fingerprint,
            Provider = old?.Provider,
            LastValidatedAt = old?.LastValidatedAt,
            ValidatedUpstream = old?.ValidatedUpstream,
            Migration = old?.Migration is { } migration ? new MigrationStatus { StartedAt = migration.StartedAt, CompletedAt = migration.CompletedAt } : null,
        };

        var proxy = caches.Proxies.Store.Get(ns, providerKey.Spec.ProxyRef.Name);
        var (secretValue, problem) = SpecProblem(providerKey, proxy) is { } specProblem
            ? (null, specProblem)
            : await ReadSourceAsync(providerKey, cancellationToken).ConfigureAwait(false);
        if (problem is { } refused)
        {
            await ReportProblemAsync(providerKey, status, refused.Reason, refused.Message, now, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        status.Provider = proxy!.Spec.Provider;
        var ring = encryptionKeys.Ring;
        var fingerprint = ProviderKeyFingerprint.Compute(ring, secretValue!);
        var keyChanged = status.Fingerprint != fingerprint;
        status.Fingerprint = fingerprint;
        await EnsureCopyAsync(providerKey, secretValue!, fingerprint, ring, cancellationToken).ConfigureAwait(false);

        var wakes = new List<DateTimeOffset>();
        await ValidateIfDueAsync(providerKey, proxy, secretValue!, status, keyChanged, now, wakes, cancellationToken).ConfigureAwait(false);
        await AdvanceMigrationAsync(providerKey, status, now, wakes, cancellationToken).ConfigureAwait(false);

        status.Phase = Phase(providerKey);
        var validated = Conditions.Find(status.Conditions, Validated);
        var (ready, reason, message) = status.Phase switch
        {
            ProviderKeyPhases.Disabled => (false, ProviderKeyPhases.Disabled, "The key is disabled (spec.disabled)."),
            ProviderKeyPhases.Retired => (false, ProviderKeyPhases.Retired, $"Replaced by a newer ProviderKey; migration completed."),
            _ when validated?.Status == Conditions.False => (false, validated.Reason, validated.Message),
            _ => (true, status.Phase, "The key is available to the gateway."),
        };
        Conditions.Set(status, Ready, ready ? Conditions.True : Conditions.False, reason, message, generation, now);
        await WriteStatusAsync(providerKey, status, cancellationToken).ConfigureAwait(false);

        return wakes.Count == 0 ? ReconcileResult.Done : ReconcileResult.Requeue(Max(wakes.Min() - now, TimeSpan.Zero));
    }

    /// <summary>What keeps the key out of use before its source is even looked at.</summary>
    private (string Reason, string Message)? SpecProblem(ProviderKey providerKey, Proxy? proxy) =>
        ProviderKeyValidation.Validate(providerKey, proxy, Siblings(providerKey)) is { } problem ? (problem.Reason, problem.Message) : null;

    private Func<string, ProviderKey?> Siblings(ProviderKey providerKey) =>
        name => caches.ProviderKeys.Store.Get(providerKey.Metadata.NamespaceProperty, name);

    /// <summary>
    /// Ready=False with the problem; a refused source or <c>replaces</c> also clears any migration (the key
    /// takes no traffic and retires nothing) and is reported by an Event once, when it starts.
    /// </summary>
    private async Task ReportProblemAsync(ProviderKey providerKey, ProviderKeyStatus status, string reason, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var previousReason = Conditions.Find(status.Conditions, Ready)?.Reason;
        status.Phase = ProviderKeyPhases.Invalid;
        if (reason == ProviderKeyValidation.InvalidReplaces)
        {
            status.Migration = null;
        }

        Conditions.Set(status, Ready, Conditions.False, reason, message, providerKey.Metadata.Generation, now);
        if (previousReason != reason && reason is SourceNotAllowed or ProviderKeyValidation.InvalidReplaces)
        {
            await recorder.RecordAsync(providerKey, reason, message, null, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await WriteStatusAsync(providerKey, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The credential from the source Secret, which must opt in with <see cref="WellKnown.Labels.ProviderKeySource"/>.
    /// The cache holds unrelated tenant Secrets as metadata only (<see cref="OperatorCaches"/>): the label
    /// is checked there first, so a Secret that did not opt in is never read, and an opted-in source is read
    /// live (one GET per reconcile of a ProviderKey, of which a cluster has few) and its label checked again.
    /// </summary>
    private async Task<(string? Value, (string Reason, string Message)? Problem)> ReadSourceAsync(ProviderKey providerKey, CancellationToken cancellationToken)
    {
        var ns = providerKey.Metadata.NamespaceProperty!;
        var secretName = providerKey.Spec.SecretRef.Name;
        var entry = providerKey.Spec.SecretRef.Key is { Length: > 0 } k ? k : WellKnown.ProviderKeySecret.ApiKey;
        var notFound = (null as string, ("SecretNotFound", $"Secret '{secretName}' does not exist in namespace '{ns}'."));
        var notAllowed = (null as string, (SourceNotAllowed, $"Secret '{secretName}' does not carry the label {WellKnown.Labels.ProviderKeySource}: \"{WellKnown.Labels.ProviderKeySourceValue}\"; a ProviderKey reads only Secrets that opt in. Nothing was read."));
        if (caches.TenantSecret(ns, secretName) is not { } cached)
        {
            return notFound;
        }

        if (!OptedIn(cached))
        {
            return notAllowed;
        }

        if (await clients.Secrets.TryGetAsync(ns, secretName, cancellationToken).ConfigureAwait(false) is not { } source)
        {
            return notFound;
        }

        if (!OptedIn(source))
        {
            return notAllowed;
        }

        // Surrounding whitespace is a copy-paste accident (echo adds a newline), never part of a provider key.
        var value = source.Data?.GetValueOrDefault(entry) is { } bytes ? Encoding.UTF8.GetString(bytes).Trim() : null;
        return string.IsNullOrEmpty(value)
            ? (null, ("SecretKeyNotFound", $"Secret '{secretName}' has no non-empty entry '{entry}'."))
            : (value, null);
    }

    /// <summary>
    /// Whether <paramref name="secret"/> opted in to being a provider-key source. Secrets the operator
    /// manages and the encryption key never are, whatever their labels say.
    /// </summary>
    private bool OptedIn(V1Secret secret) =>
        secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.ProviderKeySource) == WellKnown.Labels.ProviderKeySourceValue
        && ManagedLabels.Source(secret) is null
        && secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.ManagedBy) != WellKnown.Labels.ManagedByValue
        && !(secret.Metadata.NamespaceProperty == options.SystemNamespace && secret.Metadata.Name == WellKnown.EncryptionKeySecret.Name);

    private async Task EnsureCopyAsync(ProviderKey providerKey, string value, string fingerprint, EncryptionKeyRing ring, CancellationToken cancellationToken)
    {
        var name = ManagedObjectNames.ProviderKeySecret(providerKey.Metadata.NamespaceProperty!, providerKey.Metadata.Name!);
        var existing = caches.SystemSecrets.Store.Get(options.SystemNamespace, name);
        if (existing is not null && Holds(existing, value, fingerprint, ring, Binding(providerKey))
            && SecretContent.SameLabels(existing.Metadata.Labels, CopyLabels(providerKey, existing.Metadata.Labels)))
        {
            await ManagedAnnotations.EnsureAsync(clients.Secrets, existing, cancellationToken).ConfigureAwait(false);
            return;
        }

        var secret = CopySecret(providerKey, value, ring, options.SystemNamespace, existing);
        if (existing is null)
        {
            await clients.Secrets.CreateAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await clients.Secrets.ReplaceAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The encrypted copy exactly as the operator writes it; labels and annotations of
    /// <paramref name="existing"/> that are not ours are kept.
    /// </summary>
    internal static V1Secret CopySecret(ProviderKey providerKey, string credential, EncryptionKeyRing ring, string systemNamespace, V1Secret? existing = null)
    {
        var metadata = existing is null
            ? new V1ObjectMeta { Name = ManagedObjectNames.ProviderKeySecret(providerKey.Metadata.NamespaceProperty!, providerKey.Metadata.Name!), NamespaceProperty = systemNamespace }
            : ObjectCopy.Of(existing.Metadata);
        metadata.Labels = CopyLabels(providerKey, metadata.Labels);
        metadata.Annotations = ManagedAnnotations.With(metadata.Annotations);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = metadata,
            Data = ProviderKeyCopy.Encode(credential, ring, Binding(providerKey)),
        };
    }

    private static Dictionary<string, string> CopyLabels(ProviderKey providerKey, IDictionary<string, string>? existing)
    {
        var labels = ManagedLabels.ForSource(providerKey, "ProviderKey", WellKnown.Components.ProviderKeyCopy, existing);
        labels[WellKnown.Labels.Proxy] = providerKey.Spec.ProxyRef.Name;
        return labels;
    }

    private async Task ValidateIfDueAsync(ProviderKey providerKey, Proxy proxy, string value, ProviderKeyStatus status, bool keyChanged, DateTimeOffset now, List<DateTimeOffset> wakes, CancellationToken cancellationToken)
    {
        var generation = providerKey.Metadata.Generation;
        if (providerKey.Spec.Validation?.Enabled == false || providerKey.Spec.Disabled == true)
        {
            Conditions.Set(status, Validated, Conditions.Unknown, "ValidationDisabled", "The key is not being validated.", generation, now);
            return;
        }

        var interval = providerKey.Spec.Validation?.Interval is { Length: > 0 } text && GoDuration.TryParse(text, out var parsed) && parsed > TimeSpan.Zero
            ? parsed
            : DefaultValidationInterval;
        // Copied out: Conditions.Set updates the entry in place.
        var (previousStatus, previousReason) = Conditions.Find(status.Conditions, Validated) is { } previous ? (previous.Status, previous.Reason) : (null, null);
        var due = keyChanged
            || status.LastValidatedAt is null
            || previousReason is null or "ValidationDisabled"
            || status.ValidatedUpstream != proxy.Spec.Upstream
            || now >= status.LastValidatedAt.Value + Every(interval, previousReason);
        if (!due)
        {
            wakes.Add(status.LastValidatedAt!.Value + Every(interval, previousReason));
            return;
        }

        // The cache may not show the status this replica wrote a moment ago: a check of the same key
        // against the same upstream that still stands is taken from memory, not sent (nor reported) again.
        var uid = providerKey.Metadata.Uid!;
        var fresh = !(_recent.TryGetValue(uid, out var recent) && recent.Fingerprint == status.Fingerprint && recent.Upstream == proxy.Spec.Upstream
            && now < recent.At + Every(interval, Reason(recent.Result.Outcome)));
        if (fresh)
        {
            var result = await validator.ValidateAsync(proxy, value, cancellationToken).ConfigureAwait(false);
            recent = new RecentValidation(status.Fingerprint!, proxy.Spec.Upstream, Rfc3339.Truncate(now), result);
            _recent[uid] = recent;
        }

        var (checkedAt, outcome, detail) = (recent!.At, recent.Result.Outcome, recent.Result.Detail);
        status.LastValidatedAt = checkedAt;
        status.ValidatedUpstream = proxy.Spec.Upstream;
        var reason = Reason(outcome);
        var conditionStatus = outcome switch
        {
            ValidationOutcome.Valid => Conditions.True,
            ValidationOutcome.InvalidCredentials or ValidationOutcome.UpstreamNotAllowed => Conditions.False,
            _ => Conditions.Unknown,
        };
        wakes.Add(checkedAt + Every(interval, reason));
        Conditions.Set(status, Validated, conditionStatus, reason, detail, generation, now);
        if (!fresh || (previousStatus == conditionStatus && previousReason == reason))
        {
            return;
        }

        if (outcome == ValidationOutcome.Valid)
        {
            await recorder.RecordAsync(providerKey, EventReasons.Validated, detail + $" Fingerprint {status.Fingerprint}.", null, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await recorder.RecordAsync(providerKey, EventReasons.ValidationFailed, detail + $" Fingerprint {status.Fingerprint}.", null, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AdvanceMigrationAsync(ProviderKey providerKey, ProviderKeyStatus status, DateTimeOffset now, List<DateTimeOffset> wakes, CancellationToken cancellationToken)
    {
        if (providerKey.Spec.Replaces is not { Length: > 0 } replaced)
        {
            status.Migration = null;
            return;
        }

        var duration = providerKey.Spec.Migration?.Duration is { Length: > 0 } text && GoDuration.TryParse(text, out var parsed) && parsed >= TimeSpan.Zero
            ? parsed
            : DefaultMigrationDuration;
        if (status.Migration?.StartedAt is null)
        {
            if (!Conditions.IsTrue(status.Conditions, Validated))
            {
                return;
            }

            status.Migration = new MigrationStatus { StartedAt = Rfc3339.Truncate(now) };
            await recorder.RecordAsync(providerKey, EventReasons.MigrationStarted, $"Traffic moves from ProviderKey '{replaced}' to this key over {GoDuration.Format(duration)}.", null, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var end = status.Migration.StartedAt!.Value + duration;
        if (status.Migration.CompletedAt is not null)
        {
            return;
        }

        if (now < end)
        {
            wakes.Add(end);
            return;
        }

        status.Migration.CompletedAt = Rfc3339.Truncate(now);
        await recorder.RecordAsync(providerKey, EventReasons.MigrationCompleted, $"All traffic moved from ProviderKey '{replaced}' to this key; '{replaced}' is retired.", null, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Validated condition's reason for an outcome.</summary>
    private static string Reason(ValidationOutcome outcome) => outcome switch
    {
        ValidationOutcome.Valid => "Valid",
        ValidationOutcome.InvalidCredentials => "InvalidCredentials",
        ValidationOutcome.UpstreamNotAllowed => UpstreamNotAllowed,
        ValidationOutcome.Redirected => "ProviderRedirected",
        _ => "ProviderUnreachable",
    };

    /// <summary>How long a validation result stands: the interval when it said something about the key, less otherwise.</summary>
    private static TimeSpan Every(TimeSpan interval, string? reason) =>
        reason is "Valid" or "InvalidCredentials" ? interval : Min(interval, InconclusiveRetryInterval);

    /// <summary>The phase of a key from its own spec and from keys that replace it (only those whose <c>replaces</c> may take effect).</summary>
    private string Phase(ProviderKey providerKey)
    {
        if (providerKey.Spec.Disabled == true)
        {
            return ProviderKeyPhases.Disabled;
        }

        var replacers = caches.ProviderKeys.Store.ByIndex(OperatorCaches.ByReplaced, $"{providerKey.Metadata.NamespaceProperty}/{providerKey.Metadata.Name}")
            .Where(r => ProviderKeyValidation.ReplacesProblem(r, Siblings(r)) is null)
            .ToList();
        if (replacers.Any(r => r.Status?.Migration?.CompletedAt is not null))
        {
            return ProviderKeyPhases.Retired;
        }

        return replacers.Any(r => r.Status?.Migration?.StartedAt is not null) ? ProviderKeyPhases.Migrating : ProviderKeyPhases.Active;
    }

    private async Task FinalizeAsync(ProviderKey providerKey, CancellationToken cancellationToken)
    {
        if (!Finalizers.Has(providerKey, WellKnown.Finalizer))
        {
            return;
        }

        _recent.TryRemove(providerKey.Metadata.Uid!, out _);
        try
        {
            await clients.Secrets.DeleteAsync(options.SystemNamespace, ManagedObjectNames.ProviderKeySecret(providerKey.Metadata.NamespaceProperty!, providerKey.Metadata.Name!), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }

        await Finalizers.RemoveAsync(clients.ProviderKeys, providerKey, WellKnown.Finalizer, cancellationToken).ConfigureAwait(false);
        await recorder.RecordAsync(providerKey, EventReasons.Deleted, "Removed the encrypted provider key copy.", null, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private Task WriteStatusAsync(ProviderKey providerKey, ProviderKeyStatus status, CancellationToken cancellationToken) =>
        StatusWriter.WriteAsync(clients.ProviderKeys, BastioJsonContext.Default.ProviderKey, providerKey, p => p.Status = status, cancellationToken);

    /// <summary>The copy holds <paramref name="value"/> and its current fingerprint (a fingerprint of an older format or key is rewritten once).</summary>
    private static bool Holds(V1Secret existing, string value, string fingerprint, EncryptionKeyRing ring, CiphertextBinding binding)
    {
        if (existing.Data?.GetValueOrDefault(WellKnown.ProviderKeySecret.Fingerprint) is not { } storedFingerprint
            || Encoding.UTF8.GetString(storedFingerprint) != fingerprint)
        {
            return false;
        }

        try
        {
            return ProviderKeyCopy.Decode(existing.Data?.AsReadOnly(), ring, binding) is { } stored
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(value));
        }
        catch (DecryptionFailedException)
        {
            return false;
        }
    }

    internal static CiphertextBinding Binding(ProviderKey providerKey) =>
        ProviderKeyCopy.Binding(providerKey.Metadata.NamespaceProperty ?? "", providerKey.Metadata.Name!, providerKey.Metadata.Uid!);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A check this replica made: of which key (fingerprint), against which upstream, when, and what it found.</summary>
    private sealed record RecentValidation(string Fingerprint, string Upstream, DateTimeOffset At, ValidationResult Result);
}
