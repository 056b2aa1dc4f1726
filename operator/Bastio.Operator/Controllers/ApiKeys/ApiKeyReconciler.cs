using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Audit;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Delivery;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.Metrics;
using Bastio.Operator.Naming;
using Bastio.Operator.Rotation;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// Turns an ApiKey into a delivered client key: verifier Secret in the system namespace, delivery
/// Secret next to the ApiKey, rotation CronJob, status and Events. Key writes follow
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
        var ns = apiKey.Metadata.Namespace!;
        var oldStatus = apiKey.Status ?? new ApiKeyStatus();
        var status = ApiKeyStatusBuilder.Start(apiKey);

        if (apiKey.Spec.Revoked == true || oldStatus.Phase == ApiKeyConditions.Phases.Revoked)
        {
            await RevokeAsync(apiKey, oldStatus, status, now, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var proxy = caches.Proxies.Store.Get(ns, apiKey.Spec.ProxyRef.Name);
        var problem = ApiKeySpecValidator.Validate(apiKey, proxy)
            ?? CheckDeliverySecretOwner(apiKey, caches.TenantSecret(ns, status.SecretName!));
        if (problem is not null)
        {
            await FailUnservableRotationAsync(apiKey, status, $"the ApiKey is invalid ({problem.Reason})", cancellationToken).ConfigureAwait(false);
            ApiKeyStatusBuilder.Invalid(status, apiKey, problem, now);
            await cronJobs.RemoveAsync(apiKey, cancellationToken).ConfigureAwait(false);
            await WriteStatusAsync(apiKey, status, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        KeyEnvironments.TryFromProxyEnvironment(proxy!.Spec.Environment, out var environment);
        var expired = apiKey.Spec.ExpiresAt is { } expiresAt && expiresAt <= now;
        StoredKey? stored;
        if (expired)
        {
            // An expired key is refused by the gateway; it is neither issued nor rotated any more.
            stored = LoadStoredKey(apiKey, caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey)));
            await FailUnservableRotationAsync(apiKey, status, "the key has expired", cancellationToken).ConfigureAwait(false);
            await cronJobs.RemoveAsync(apiKey, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            stored = await ConvergeKeyAsync(apiKey, status, environment, now, cancellationToken).ConfigureAwait(false);
            await cronJobs.EnsureAsync(apiKey, cancellationToken).ConfigureAwait(false);
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
        var ns = apiKey.Metadata.Namespace!;
        var ring = encryptionKeys.Ring;
        var request = apiKey.Metadata.Annotations?.GetValueOrDefault(WellKnown.RotateRequestedAtAnnotation);

        var verifierSecret = caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey));
        var deliverySecret = caches.TenantSecret(ns, status.SecretName!);
        var stored = LoadStoredKey(apiKey, verifierSecret);
        var plan = RotationPlanner.Plan(stored, DeliveredVerifier(deliverySecret), request, apiKey.Status?.LastRotationRequest, now);

        if (plan.Action != KeyAction.UpToDate)
        {
            // The caches may lag behind this operator's own last writes: decide writes on live reads.
            verifierSecret = await clients.Secrets.TryGetAsync(options.SystemNamespace, VerifierName(apiKey), cancellationToken).ConfigureAwait(false);
            deliverySecret = await clients.Secrets.TryGetAsync(ns, status.SecretName!, cancellationToken).ConfigureAwait(false);
            stored = LoadStoredKey(apiKey, verifierSecret);
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
                    var withPending = (stored ?? new StoredKey(keyId, 0, null, null, [], null)) with
                    {
                        Pending = ClientKeyVerifier.Compute(plaintext),
                        ServedRotationRequest = plan.Reason == IssueReason.Requested ? request : stored?.ServedRotationRequest,
                    };

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
        var live = await clients.ApiKeys.TryGetAsync(apiKey.Metadata.Namespace, apiKey.Metadata.Name!, cancellationToken).ConfigureAwait(false);
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
        var lagging = await deliveryGate.WaitUntilServedAsync(apiKey.Metadata.Namespace!, apiKey.Metadata.Name!, epoch, cancellationToken).ConfigureAwait(false);
        if (lagging.Count > 0)
        {
            var message = $"Gateway replicas {string.Join(", ", lagging)} had not acknowledged the new key's verifier after {options.DeliveryAcknowledgementTimeout}; it was delivered anyway and they may refuse it until they catch up.";
            await recorder.RecordAsync(apiKey, EventReasons.DeliveryNotAcknowledged, message, keyId, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
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
        if (oldStatus.Phase != ApiKeyConditions.Phases.Revoked)
        {
            await recorder.RecordAsync(apiKey, EventReasons.Revoked, $"Key {status.KeyId} revoked: its verifiers were destroyed and the key removed from Secret {status.SecretName}.", status.KeyId, AuditEntry.OperatorActor, warning: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await DeleteIfPresentAsync(options.SystemNamespace, VerifierName(apiKey), caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey)), cancellationToken).ConfigureAwait(false);
        var delivery = caches.TenantSecret(apiKey.Metadata.Namespace, status.SecretName!);
        if (delivery?.Data?.ContainsKey(WellKnown.DeliverySecret.ApiKey) == true && IsOwnedBy(delivery, apiKey))
        {
            var copy = Copy(delivery);
            copy.Data!.Remove(WellKnown.DeliverySecret.ApiKey);
            await clients.Secrets.ReplaceAsync(copy, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await cronJobs.RemoveAsync(apiKey, cancellationToken).ConfigureAwait(false);
    }

    private async Task FinalizeAsync(ApiKey apiKey, CancellationToken cancellationToken)
    {
        if (apiKey.Metadata.Finalizers?.Contains(WellKnown.Finalizer) != true)
        {
            return;
        }

        await DeleteIfPresentAsync(options.SystemNamespace, VerifierName(apiKey), caches.SystemSecrets.Store.Get(options.SystemNamespace, VerifierName(apiKey)), cancellationToken).ConfigureAwait(false);
        await cronJobs.RemoveAsync(apiKey, cancellationToken).ConfigureAwait(false);

        // The delivery Secret is owned by the ApiKey: the garbage collector removes it.
        await Finalizers.RemoveAsync(clients.ApiKeys, apiKey, WellKnown.Finalizer, cancellationToken).ConfigureAwait(false);
        await recorder.RecordAsync(apiKey, EventReasons.Deleted, "Removed the key's verifier Secret and rotation CronJob.", apiKey.Status?.KeyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteIfPresentAsync(string ns, string name, Secret? cached, CancellationToken cancellationToken)
    {
        if (cached is null && await clients.Secrets.TryGetAsync(ns, name, cancellationToken).ConfigureAwait(false) is null)
        {
            return;
        }

        try
        {
            await clients.Secrets.DeleteAsync(ns, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    private StoredKey? LoadStoredKey(ApiKey apiKey, Secret? verifierSecret)
    {
        try
        {
            return VerifierSecretCodec.Decode(verifierSecret, apiKey, encryptionKeys.Ring);
        }
        catch (Exception exception) when (exception is DecryptionFailedException or FormatException)
        {
            // Verifiers that do not decrypt or parse are useless to the gateway too; a new key replaces them.
            Log.UndecryptableVerifiers(logger, apiKey.Metadata.Namespace!, apiKey.Metadata.Name!, exception.Message);
            return null;
        }
    }

    private async Task<Secret> WriteVerifierAsync(ApiKey apiKey, Secret? existing, StoredKey stored, EncryptionKeyRing ring, CancellationToken cancellationToken)
    {
        var secret = VerifierSecretCodec.ToSecret(apiKey, stored, ring, options.SystemNamespace, existing);
        return existing is null
            ? await clients.Secrets.CreateAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await clients.Secrets.ReplaceAsync(secret, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the delivery Secret when it differs; <paramref name="plaintext"/> null keeps the delivered key.</summary>
    private async Task<Secret?> WriteDeliveryAsync(ApiKey apiKey, Secret? existing, string name, string? plaintext, string keyId, CancellationToken cancellationToken)
    {
        var secret = existing is null ? new Secret() : Copy(existing);
        secret.ApiVersion = "v1";
        secret.Kind = "Secret";
        secret.Type ??= "Opaque";
        secret.Metadata.Name = name;
        secret.Metadata.Namespace = apiKey.Metadata.Namespace;
        secret.Metadata.Labels = ManagedLabels.ForSource(apiKey, "ApiKey", WellKnown.Components.DeliverySecret, secret.Metadata.Labels);
        secret.Metadata.Labels[WellKnown.Labels.KeyId] = keyId;
        secret.Metadata.Annotations = ManagedAnnotations.With(secret.Metadata.Annotations);
        secret.Metadata.OwnerReferences = [ManagedLabels.ControllerReference(apiKey)];
        secret.Data ??= [];
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
            case ApiKeyConditions.Phases.Disabled:
                await recorder.RecordAsync(apiKey, EventReasons.Disabled, $"Key {keyId} disabled: the gateway refuses it until spec.disabled is false.", keyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ApiKeyConditions.Phases.Active when before == ApiKeyConditions.Phases.Disabled:
                await recorder.RecordAsync(apiKey, EventReasons.Enabled, $"Key {keyId} enabled again.", keyId, AuditEntry.OperatorActor, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ApiKeyConditions.Phases.Expired:
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

    private static ApiKeySpecProblem? CheckDeliverySecretOwner(ApiKey apiKey, Secret? delivery) =>
        delivery is null || IsOwnedBy(delivery, apiKey) || delivery.Metadata.OwnerReferences is null or { Count: 0 }
            && delivery.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.ManagedBy) == WellKnown.Labels.ManagedByValue
            ? null
            : new(ApiKeyConditions.SecretConflict, $"Secret '{delivery.Metadata.Name}' already exists and is not managed by this ApiKey; choose another spec.secretName.");

    private static bool IsOwnedBy(Secret secret, ApiKey apiKey) =>
        secret.Metadata.OwnerReferences?.Any(o => o.Uid == apiKey.Metadata.Uid) == true;

    private static string? ExistingKeyId(ApiKey apiKey) =>
        apiKey.Status?.KeyId is { } keyId && ClientKey.IsValidKeyId(keyId) ? keyId : null;

    private static byte[]? DeliveredVerifier(Secret? delivery) =>
        delivery?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey) is { } bytes
            ? ClientKeyVerifier.Compute(Encoding.UTF8.GetString(bytes))
            : null;

    private string VerifierName(ApiKey apiKey) =>
        ManagedObjectNames.VerifierSecret(apiKey.Metadata.Namespace!, apiKey.Metadata.Name!);

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
        apiKey.Metadata.Annotations?.GetValueOrDefault(RotateRequest.RequestedByAnnotation) is { Length: > 0 } by ? by : "user";

    private static Secret Copy(Secret secret) => new()
    {
        ApiVersion = secret.ApiVersion,
        Kind = secret.Kind,
        Type = secret.Type,
        Immutable = secret.Immutable,
        Metadata = ObjectMetaCopy.Of(secret.Metadata),
        Data = secret.Data is null ? null : new Dictionary<string, byte[]>(secret.Data, StringComparer.Ordinal),
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "ApiKey {Namespace}/{Name}: issuing a key ({Reason})")]
        public static partial void Issuing(ILogger logger, string @namespace, string name, IssueReason reason);

        [LoggerMessage(2, LogLevel.Warning, "ApiKey {Namespace}/{Name}: stored verifiers do not decrypt ({Error}); a new key will replace them")]
        public static partial void UndecryptableVerifiers(ILogger logger, string @namespace, string name, string error);
    }
}
