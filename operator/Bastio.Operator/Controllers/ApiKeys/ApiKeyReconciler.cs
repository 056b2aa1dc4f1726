using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Crds.Rotation;
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
using Bastio.Operator.Controllers.RotationSchedules;
using Bastio.Operator.Delivery;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.Logging;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Metrics;
using Bastio.Operator.Objects;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// Turns an ApiKey into a delivered client key: verifier Secret in the system namespace, delivery
/// Secret next to the ApiKey, status and Events; the rotation CronJob is
/// <see cref="RotationScheduleReconciler"/>'s, removed here only with the ApiKey. Key writes follow
/// <see cref="RotationPlanner"/>, so a reconcile killed between any two writes is finished by the next.
/// </summary>
internal sealed partial class ApiKeyReconciler(
    ResourceClients clients,
    OperatorCaches caches,
    IEncryptionKeys encryptionKeys,
    RotationCronJobs cronJobs,
    KeyDeliveryGate deliveryGate,
    ILifecycleRecorder recorder,
    OperatorMetrics metrics,
    OperatorOptions options,
    TimeProvider timeProvider,
    ILogger<ApiKeyReconciler> logger) : IReconciler
{
    /// <summary>Planner steps run in one reconcile: a full rotation is three writes, a grace expiry one more.</summary>
    private const int MaxKeySteps = 6;

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var apiKey = caches.ApiKeys.Store.Get(key);
        if (apiKey is null)
        {
            return ReconcileResult.Done;
        }

        var withFinalizer = await Finalizers.GuardAsync(clients.ApiKeys, apiKey, WellKnown.Finalizer, FinalizeAsync, cancellationToken).ConfigureAwait(false);
        if (withFinalizer is null)
        {
            return ReconcileResult.Done;
        }

        apiKey = withFinalizer;

        var now = timeProvider.GetUtcNow();
        var ns = apiKey.Metadata.NamespaceProperty!;
        var oldStatus = apiKey.Status ?? new ApiKeyStatus();
        var status = ApiKeyStatusBuilder.Start(apiKey);

        if (apiKey.Spec.Revoked == true || oldStatus.Phase == ApiKeyPhases.Revoked)
        {
            await RevokeAsync(apiKey, oldStatus, status, now, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var proxy = caches.Proxies.Store.Get(ns, apiKey.Spec.ProxyRef.Name);
        var problem = ApiKeyValidation.Validate(apiKey, proxy)
            ?? DeliverySecretOwnership.Check(apiKey, status.SecretName!, caches.TenantSecret(ns, status.SecretName!), options.SystemNamespace);
        if (problem is not null)
        {
            await FailUnservableRotationAsync(apiKey, status, $"the ApiKey is invalid ({problem.Reason})", cancellationToken).ConfigureAwait(false);
            await ReportSecretConflictAsync(apiKey, problem, cancellationToken).ConfigureAwait(false);
            ApiKeyStatusBuilder.Invalid(status, apiKey, problem, now);
            await WriteStatusAsync(apiKey, status, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        ProxyEnvironments.TryParse(proxy!.Spec.Environment, out var environment);
        var expired = apiKey.Spec.ExpiresAt is { } expiresAt && expiresAt <= now;
        StoredKey? stored;
        if (expired)
        {
            // An expired key is refused by the gateway; it is neither issued nor rotated any more.
            stored = LoadStoredKey(apiKey, caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey)), out _);
            await FailUnservableRotationAsync(apiKey, status, "the key has expired", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            stored = await ConvergeKeyAsync(apiKey, status, environment, now, cancellationToken).ConfigureAwait(false);
        }

        await ReportNewVersionAsync(apiKey, status, stored, now, cancellationToken).ConfigureAwait(false);
        ApiKeyStatusBuilder.Complete(status, apiKey, stored, environment, expired, now);
        await RecordPhaseChangeAsync(apiKey, oldStatus.Phase, status.Phase!, stored?.KeyId, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(apiKey, status, cancellationToken).ConfigureAwait(false);
        return NextWake(apiKey, stored, expired, now);
    }

    /// <summary>Runs the planner's steps until the stored key, the delivery Secret and the request agree.</summary>
    private async Task<StoredKey?> ConvergeKeyAsync(ApiKey apiKey, ApiKeyStatus status, KeyEnvironment environment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ns = apiKey.Metadata.NamespaceProperty!;
        var ring = encryptionKeys.Ring;
        var request = apiKey.Metadata.Annotations?.GetValueOrDefault(WellKnown.RotateRequestedAtAnnotation);

        var verifierSecret = caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey));
        var deliverySecret = caches.TenantSecret(ns, status.SecretName!);
        var stored = LoadStoredKey(apiKey, verifierSecret, out var lostToReset);
        var plan = RotationPlanner.Plan(stored, DeliveredVerifier(deliverySecret), request, apiKey.Status?.LastRotationRequest, now);

        if (plan.Action != KeyAction.UpToDate)
        {
            // The caches may lag behind this operator's own last writes: decide writes on live reads.
            verifierSecret = await clients.Secrets.TryGetAsync(options.SystemNamespace, VerifierName(apiKey), cancellationToken).ConfigureAwait(false);
            deliverySecret = await clients.Secrets.TryGetAsync(ns, status.SecretName!, cancellationToken).ConfigureAwait(false);
            stored = LoadStoredKey(apiKey, verifierSecret, out lostToReset);
            plan = RotationPlanner.Plan(stored, DeliveredVerifier(deliverySecret), request, apiKey.Status?.LastRotationRequest, now);
        }

        for (var step = 0; plan.Action != KeyAction.UpToDate; step++)
        {
            if (step == MaxKeySteps)
            {
                throw new InvalidOperationException($"ApiKey {ns}/{apiKey.Metadata.Name}: key state did not converge in {MaxKeySteps} steps.");
            }

            switch (plan.Action)
            {
                case KeyAction.Issue:
                    Log.Issuing(logger, ns, apiKey.Metadata.Name!, plan.Reason);
                    var keyId = stored?.KeyId ?? ExistingKeyId(apiKey) ?? ClientKey.NewKeyId();
                    var plaintext = ClientKey.Generate(environment, keyId);

                    // A key issued anew (its verifiers lost) continues above the version status shows: status.version never decreases.
                    var withPending = (stored ?? new StoredKey(keyId, apiKey.Status?.Version is { } shown ? shown + 1 : 0, null, null, [], null)) with
                    {
                        Pending = ClientKeyVerifier.Compute(plaintext),
                        ServedRotationRequest = plan.Reason == IssueReason.Requested ? request : stored?.ServedRotationRequest,
                    };

                    if (lostToReset)
                    {
                        lostToReset = false;
                        await recorder.RecordAsync(apiKey, EventReasons.Reissued, $"Key {keyId} is re-issued: its verifiers were encrypted under an encryption key that was lost and reset; the key delivered before no longer works.", keyId, EncryptionKeyReset.Actor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }

                    // (1) every serving gateway replica learns the new key before (2) anyone can read it.
                    var existingVerifier = verifierSecret;
                    (verifierSecret, var epoch) = await deliveryGate.PublishVerifierAsync(
                        next => WriteVerifierAsync(apiKey, existingVerifier, withPending with { Epoch = next }, ring, cancellationToken), cancellationToken).ConfigureAwait(false);
                    await WaitUntilServedAsync(apiKey, keyId, epoch, cancellationToken).ConfigureAwait(false);
                    deliverySecret = await WriteDeliveryAsync(apiKey, deliverySecret, status.SecretName!, plaintext, keyId, cancellationToken).ConfigureAwait(false);
                    stored = withPending with { Epoch = epoch };
                    break;

                case KeyAction.Promote:
                    var promoted = RotationPlanner.Promote(stored!, GracePeriod(apiKey), now);

                    // (3) promotion; the caller reports it and writes status (4).
                    verifierSecret = await WriteVerifierAsync(apiKey, verifierSecret, promoted, ring, cancellationToken).ConfigureAwait(false);
                    stored = promoted;
                    break;

                case KeyAction.ExpirePrevious:
                    var (remaining, expiredVersions) = RotationPlanner.ExpirePrevious(stored!, now);
                    verifierSecret = await WriteVerifierAsync(apiKey, verifierSecret, remaining, ring, cancellationToken).ConfigureAwait(false);
                    stored = remaining;
                    var accepted = remaining.Previous.Count == 0
                        ? $"only version {stored.Version} is accepted"
                        : $"version {stored.Version} and {remaining.Previous.Count} earlier version(s) in their own grace periods are accepted";
                    await recorder.RecordAsync(apiKey, EventReasons.PreviousKeyExpired, $"The grace period of key version {string.Join(", ", expiredVersions)} ended; {accepted}.", stored.KeyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
            }

            plan = RotationPlanner.Plan(stored, DeliveredVerifier(deliverySecret), request, status.LastRotationRequest, now);
        }

        // Drift that does not touch the key itself: the verifier's annotations, the delivery Secret's baseUrl, labels, owner.
        await ManagedAnnotations.EnsureAsync(clients.Secrets, verifierSecret!, cancellationToken).ConfigureAwait(false);
        await WriteDeliveryAsync(apiKey, deliverySecret, status.SecretName!, plaintext: null, stored!.KeyId, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>
    /// Reports a key version the last written status does not show yet: the Created or Rotated Event,
    /// the rotation metric and the Rotated condition. Derived from the stored verifier's version
    /// against status.version rather than from this reconcile's own writes, so a reconcile that died
    /// after promotion but before its status write is reported by the next one. A status write that
    /// fails after the report repeats it: reporting is at least once, never lost.
    /// </summary>
    private async Task ReportNewVersionAsync(ApiKey apiKey, ApiKeyStatus status, StoredKey? stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (stored?.Current is null || stored.Version <= (apiKey.Status?.Version ?? 0))
        {
            return;
        }

        // The cache may not show this operator's last status write yet: decide on a live read, or one rotation is reported twice.
        var live = await clients.ApiKeys.TryGetAsync(apiKey.Metadata.NamespaceProperty, apiKey.Metadata.Name!, cancellationToken).ConfigureAwait(false);
        var reported = live?.Status?.Version;
        if (live is null || live.Metadata.Uid != apiKey.Metadata.Uid || stored.Version <= (reported ?? 0))
        {
            return;
        }

        if (reported is null)
        {
            await recorder.RecordAsync(apiKey, EventReasons.Created, $"Issued key {stored.KeyId} version {stored.Version} into Secret {status.SecretName}.", stored.KeyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = apiKey.Metadata.Annotations?.GetValueOrDefault(WellKnown.RotateRequestedAtAnnotation);
        var servesRequest = stored.ServedRotationRequest is { } served && served == request && served != live.Status?.LastRotationRequest;
        var actor = servesRequest ? RequestActor(apiKey) : AuditEntry.OperatorActor;
        var grace = stored.Previous is [{ ExpiresAt: { } previousUntil }, ..]
            ? $"the previous key is accepted until {Rfc3339.Format(previousUntil)}"
            : "the previous key is no longer accepted";
        var message = $"Rotated key {stored.KeyId} to version {stored.Version}; {grace}.";
        ApiKeyStatusBuilder.SetRotated(status, apiKey, true, EventReasons.Rotated, message, now);
        await recorder.RecordAsync(apiKey, EventReasons.Rotated, message, stored.KeyId, actor, cancellationToken: cancellationToken).ConfigureAwait(false);
        metrics.RecordRotation(success: true);
    }

    /// <summary>
    /// Waits (bounded) until every serving gateway replica acknowledged the new verifier's epoch. Replicas
    /// that did not in time are named in a Warning Event: they may refuse the key until they catch up.
    /// </summary>
    private async Task WaitUntilServedAsync(ApiKey apiKey, string keyId, long epoch, CancellationToken cancellationToken)
    {
        var lagging = await deliveryGate.WaitUntilServedAsync(apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!, epoch, cancellationToken).ConfigureAwait(false);
        if (lagging.Count > 0)
        {
            var message = $"Gateway replicas {string.Join(", ", lagging)} had not acknowledged the new key's verifier after {options.DeliveryAcknowledgementTimeout}; it was delivered anyway and they may refuse it until they catch up.";
            await recorder.RecordAsync(apiKey, EventReasons.DeliveryNotAcknowledged, message, keyId, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A Warning Event (and audit line) when an ApiKey first names a Secret it may not write; not repeated while the conflict lasts.</summary>
    private async Task ReportSecretConflictAsync(ApiKey apiKey, SpecProblem problem, CancellationToken cancellationToken)
    {
        if (problem.Reason != ApiKeyConditions.SecretConflict
            || Conditions.Find(apiKey.Status?.Conditions, ApiKeyConditions.Ready) is { Reason: ApiKeyConditions.SecretConflict } ready && ready.Message == problem.Message)
        {
            return;
        }

        await recorder.RecordAsync(apiKey, EventReasons.SecretConflict, problem.Message, apiKey.Status?.KeyId, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A requested rotation that cannot happen in the current phase is answered, not ignored: the rotate command waits for it.</summary>
    private async Task FailUnservableRotationAsync(ApiKey apiKey, ApiKeyStatus status, string why, CancellationToken cancellationToken)
    {
        var request = apiKey.Metadata.Annotations?.GetValueOrDefault(WellKnown.RotateRequestedAtAnnotation);
        if (!RotationPlanner.IsUnserved(request, null, apiKey.Status?.LastRotationRequest))
        {
            return;
        }

        status.LastRotationRequest = request;
        var message = $"Rotation requested at {request} was not performed: {why}.";
        ApiKeyStatusBuilder.SetRotated(status, apiKey, false, EventReasons.RotationFailed, message, timeProvider.GetUtcNow());
        await recorder.RecordAsync(apiKey, EventReasons.RotationFailed, message, apiKey.Status?.KeyId, RequestActor(apiKey), warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        metrics.RecordRotation(success: false);
    }

    private async Task RevokeAsync(ApiKey apiKey, ApiKeyStatus oldStatus, ApiKeyStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await FailUnservableRotationAsync(apiKey, status, "the key is revoked", cancellationToken).ConfigureAwait(false);
        ApiKeyStatusBuilder.Revoked(status, apiKey, oldStatus, now);

        // Status first: once phase Revoked is stored, setting spec.revoked back can never resurrect the key,
        // even if this reconcile dies before the verifiers are destroyed.
        await WriteStatusAsync(apiKey, status, cancellationToken).ConfigureAwait(false);
        if (oldStatus.Phase != ApiKeyPhases.Revoked)
        {
            await recorder.RecordAsync(apiKey, EventReasons.Revoked, $"Key {status.KeyId} revoked: its verifiers were destroyed and the key removed from Secret {status.SecretName}.", status.KeyId, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await DeleteVerifierAsync(apiKey, cancellationToken).ConfigureAwait(false);
        var delivery = caches.TenantSecret(apiKey.Metadata.NamespaceProperty, status.SecretName!);
        if (delivery?.Data?.ContainsKey(WellKnown.DeliverySecret.ApiKey) == true && DeliverySecretOwnership.IsOurs(delivery, apiKey))
        {
            var copy = ObjectCopy.Of(delivery);
            copy.Data!.Remove(WellKnown.DeliverySecret.ApiKey);
            await clients.Secrets.ReplaceAsync(copy, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FinalizeAsync(ApiKey apiKey, CancellationToken cancellationToken)
    {
        if (apiKey.Metadata.Finalizers?.Contains(WellKnown.Finalizer) != true)
        {
            return;
        }

        // The CronJob too: no owner reference reaches across namespaces, and the rotation schedule controller
        // would remove it only after the ApiKey is gone.
        await DeleteVerifierAsync(apiKey, cancellationToken).ConfigureAwait(false);
        await cronJobs.RemoveAsync(apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!, cancellationToken).ConfigureAwait(false);

        // The delivery Secret is owned by the ApiKey: the garbage collector removes it.
        await Finalizers.RemoveAsync(clients.ApiKeys, apiKey, WellKnown.Finalizer, cancellationToken).ConfigureAwait(false);
        await recorder.RecordAsync(apiKey, EventReasons.Deleted, "Removed the key's verifier Secret and rotation CronJob.", apiKey.Status?.KeyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the key's verifier Secret, and nothing else that might carry its name.</summary>
    private async Task DeleteVerifierAsync(ApiKey apiKey, CancellationToken cancellationToken)
    {
        var verifier = caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey))
            ?? await clients.Secrets.TryGetAsync(options.SystemNamespace, VerifierName(apiKey), cancellationToken).ConfigureAwait(false);
        if (verifier is null || !VerifierSecretCodec.IsVerifierOf(verifier, apiKey))
        {
            return;
        }

        try
        {
            // The uid precondition keeps a Secret created under the same name meanwhile safe.
            await clients.Secrets.DeleteAsync(options.SystemNamespace, verifier.Metadata.Name!, new DeleteOptions { PreconditionUid = verifier.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NotFoundException or ConflictException)
        {
        }
    }

    /// <param name="lostToReset">True when the verifiers were encrypted under a key lost and then reset on request: a new key replaces them, audited.</param>
    /// <exception cref="EncryptionKeyUnavailableException">The verifiers are this key's but encrypted under a key the ring does not hold, and no reset was requested.</exception>
    private StoredKey? LoadStoredKey(ApiKey apiKey, V1Secret? verifierSecret, out bool lostToReset)
    {
        lostToReset = false;
        try
        {
            return VerifierSecretCodec.Decode(verifierSecret, apiKey, encryptionKeys.Ring);
        }
        catch (DecryptionFailedException exception) when (exception.Failure != DecryptionFailure.Malformed
            && verifierSecret!.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceUid) == apiKey.Metadata.Uid)
        {
            // This key's own verifiers under a key the ring lacks: re-issuing would break every client silently.
            if (!encryptionKeys.ResetRequested)
            {
                throw new EncryptionKeyUnavailableException($"the verifiers of ApiKey {apiKey.Metadata.NamespaceProperty}/{apiKey.Metadata.Name} do not decrypt ({exception.Message}); the encryption key was lost or replaced, so the key is not re-issued", missing: false);
            }

            Log.UndecryptableVerifiers(logger, apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!, exception.Message);
            lostToReset = true;
            return null;
        }
        catch (Exception exception) when (exception is DecryptionFailedException or FormatException)
        {
            // Malformed, or left by an earlier ApiKey of this name: useless to the gateway too; a new key replaces them.
            Log.UndecryptableVerifiers(logger, apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!, exception.Message);
            return null;
        }
    }

    private async Task<V1Secret> WriteVerifierAsync(ApiKey apiKey, V1Secret? existing, StoredKey stored, EncryptionKeyRing ring, CancellationToken cancellationToken)
    {
        if (existing is not null && !VerifierSecretCodec.IsVerifierOf(existing, apiKey))
        {
            throw new InvalidOperationException($"ApiKey {apiKey.Metadata.NamespaceProperty}/{apiKey.Metadata.Name}: Secret {options.SystemNamespace}/{existing.Metadata.Name} is not this key's verifier Secret; it is left untouched.");
        }

        var secret = VerifierSecretCodec.ToSecret(apiKey, stored, ring, options.SystemNamespace, existing);
        return existing is null
            ? await clients.Secrets.CreateAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await clients.Secrets.ReplaceAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the delivery Secret when it differs; <paramref name="plaintext"/> null keeps the delivered key.</summary>
    private async Task<V1Secret?> WriteDeliveryAsync(ApiKey apiKey, V1Secret? existing, string name, string? plaintext, string keyId, CancellationToken cancellationToken)
    {
        // The reconcile checked the cached Secret; this is the live one, which someone may have created since.
        if (DeliverySecretOwnership.Check(apiKey, name, existing, options.SystemNamespace) is { } conflict)
        {
            throw new InvalidOperationException($"ApiKey {apiKey.Metadata.NamespaceProperty}/{apiKey.Metadata.Name}: {conflict.Message}");
        }

        var secret = existing is null ? new V1Secret { Metadata = new V1ObjectMeta() } : ObjectCopy.Of(existing);
        secret.ApiVersion = "v1";
        secret.Kind = "Secret";
        secret.Type ??= "Opaque";
        secret.Metadata.Name = name;
        secret.Metadata.NamespaceProperty = apiKey.Metadata.NamespaceProperty;
        secret.Metadata.Labels = ManagedLabels.ForSource(apiKey, "ApiKey", WellKnown.Components.DeliverySecret, secret.Metadata.Labels);
        secret.Metadata.Labels[WellKnown.Labels.KeyId] = keyId;
        secret.Metadata.Annotations = ManagedAnnotations.With(secret.Metadata.Annotations);
        secret.Metadata.OwnerReferences = [ManagedLabels.ControllerReference(apiKey)];
        secret.Data ??= new Dictionary<string, byte[]>();
        if (plaintext is not null)
        {
            secret.Data[WellKnown.DeliverySecret.ApiKey] = Encoding.UTF8.GetBytes(plaintext);
        }

        secret.Data[WellKnown.DeliverySecret.KeyId] = Encoding.UTF8.GetBytes(keyId);
        if (options.GatewayUrl is { } gatewayUrl)
        {
            secret.Data[WellKnown.DeliverySecret.BaseUrl] = Encoding.UTF8.GetBytes(BaseUrl(gatewayUrl));
        }
        else
        {
            secret.Data.Remove(WellKnown.DeliverySecret.BaseUrl);
        }

        if (existing is not null && SecretContent.Same(existing, secret))
        {
            return existing;
        }

        return existing is null
            ? await clients.Secrets.CreateAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await clients.Secrets.ReplaceAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private Task WriteStatusAsync(ApiKey apiKey, ApiKeyStatus status, CancellationToken cancellationToken) =>
        StatusWriter.WriteAsync(clients.ApiKeys, BastioJsonContext.Default.ApiKey, apiKey, a => a.Status = status, cancellationToken);

    private async Task RecordPhaseChangeAsync(ApiKey apiKey, string? before, string after, string? keyId, CancellationToken cancellationToken)
    {
        if (before == after)
        {
            return;
        }

        switch (after)
        {
            case ApiKeyPhases.Disabled:
                await recorder.RecordAsync(apiKey, EventReasons.Disabled, $"Key {keyId} disabled: the gateway refuses it until spec.disabled is false.", keyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ApiKeyPhases.Active when before == ApiKeyPhases.Disabled:
                await recorder.RecordAsync(apiKey, EventReasons.Enabled, $"Key {keyId} enabled again.", keyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ApiKeyPhases.Expired:
                await recorder.RecordAsync(apiKey, EventReasons.Expired, $"Key {keyId} expired at {Rfc3339.Format(apiKey.Spec.ExpiresAt!.Value)}.", keyId, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private ReconcileResult NextWake(ApiKey apiKey, StoredKey? stored, bool expired, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        if (!expired && apiKey.Spec.ExpiresAt is { } expiresAt)
        {
            next = expiresAt;
        }

        if (stored is not null && RotationPlanner.NextPreviousExpiry(stored) is { } previousExpiresAt && (next is null || previousExpiresAt < next))
        {
            next = previousExpiresAt;
        }

        return next is { } at ? ReconcileResult.Requeue(at > now ? at - now : TimeSpan.Zero) : ReconcileResult.Done;
    }

    /// <summary>What OpenAI and Anthropic SDKs take as base URL: the gateway's <c>/v1</c>.</summary>
    internal static string BaseUrl(Uri gatewayUrl)
    {
        var url = gatewayUrl.ToString().TrimEnd('/');
        return url.EndsWith("/v1", StringComparison.Ordinal) ? url : url + "/v1";
    }

    private static string? ExistingKeyId(ApiKey apiKey) =>
        apiKey.Status?.KeyId is { } keyId && ClientKey.IsValidKeyId(keyId) ? keyId : null;

    private static byte[]? DeliveredVerifier(V1Secret? delivery) =>
        delivery?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey) is { } bytes
            ? ClientKeyVerifier.Compute(Encoding.UTF8.GetString(bytes))
            : null;

    private string VerifierName(ApiKey apiKey) =>
        ManagedObjectNames.VerifierSecret(apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!);

    internal static TimeSpan GracePeriod(ApiKey apiKey)
    {
        if (apiKey.Metadata.Annotations?.GetValueOrDefault(WellKnown.RotateGraceAnnotation) is { Length: > 0 } requested
            && GoDuration.TryParse(requested, out var requestedGrace) && requestedGrace >= TimeSpan.Zero)
        {
            return requestedGrace;
        }

        return apiKey.Spec.Rotation?.GracePeriod is { Length: > 0 } grace && GoDuration.TryParse(grace, out var parsed) ? parsed : TimeSpan.FromHours(24);
    }

    /// <summary>Who asked for the rotation: the rotate command marks its requests, anything else was a person or tool.</summary>
    private static string RequestActor(ApiKey apiKey) =>
        apiKey.Metadata.Annotations?.GetValueOrDefault(RotationRequest.RequestedByAnnotation) is { Length: > 0 } by ? by : "user";

    private static partial class Log
    {
        [LoggerMessage(OperatorLogEvents.ApiKeyIssuing, LogLevel.Information, "ApiKey {Namespace}/{Name}: issuing a key ({Reason})")]
        public static partial void Issuing(ILogger logger, string @namespace, string name, IssueReason reason);

        [LoggerMessage(OperatorLogEvents.ApiKeyVerifiersUndecryptable, LogLevel.Warning, "ApiKey {Namespace}/{Name}: stored verifiers do not decrypt ({Error}); a new key will replace them")]
        public static partial void UndecryptableVerifiers(ILogger logger, string @namespace, string name, string error);
    }
}
