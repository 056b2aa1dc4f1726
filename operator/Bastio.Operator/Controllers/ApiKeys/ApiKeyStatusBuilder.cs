using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Crds.Validation;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.ManagedObjects;
using Bastio.Operator.Objects;
using static Bastio.Crds.Vocabulary.ApiKeyConditions;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>Computes an ApiKey's status from the stored key and the spec. Only public facts go in.</summary>
internal static class ApiKeyStatusBuilder
{
    /// <summary>A copy of the stored status to update; fields this reconcile does not decide keep their values.</summary>
    public static ApiKeyStatus Start(ApiKey apiKey)
    {
        var old = apiKey.Status;
        return new ApiKeyStatus
        {
            ObservedGeneration = apiKey.Metadata.Generation,
            Conditions = ObjectCopy.Of(old?.Conditions),
            Phase = old?.Phase,
            KeyId = old?.KeyId,
            KeyPrefix = old?.KeyPrefix,
            Version = old?.Version,
            CreatedAt = old?.CreatedAt,
            LastRotatedAt = old?.LastRotatedAt,
            PreviousKeyExpiresAt = old?.PreviousKeyExpiresAt,
            NextRotationAt = old?.NextRotationAt,
            LastRotationRequest = old?.LastRotationRequest,

            // Written by the gateways (period usage); the operator never decides it and must not drop it.
            Usage = old?.Usage,
            SecretName = ManagedObjectNames.DeliverySecret(apiKey.Metadata.Name!, apiKey.Spec.SecretName),
        };
    }

    public static void Invalid(ApiKeyStatus status, ApiKey apiKey, SpecProblem problem, DateTimeOffset now)
    {
        status.Phase = ApiKeyPhases.Invalid;
        status.NextRotationAt = null;
        Conditions.Set(status, Ready, Conditions.False, problem.Reason, problem.Message, apiKey.Metadata.Generation, now);
    }

    public static void Revoked(ApiKeyStatus status, ApiKey apiKey, ApiKeyStatus oldStatus, DateTimeOffset now)
    {
        status.Phase = ApiKeyPhases.Revoked;
        status.PreviousKeyExpiresAt = null;
        status.NextRotationAt = null;
        Conditions.Set(status, Ready, Conditions.False, ApiKeyPhases.Revoked, "The key is revoked and its key material destroyed.", apiKey.Metadata.Generation, now);
        var undone = apiKey.Spec.Revoked != true && oldStatus.Phase == ApiKeyPhases.Revoked;
        Conditions.Set(
            status,
            ApiKeyConditions.Revoked,
            Conditions.True,
            undone ? RevocationIsPermanent : ApiKeyPhases.Revoked,
            undone
                ? "spec.revoked was set back to false, which changes nothing: revocation is permanent. Create a new ApiKey for a new key."
                : "Revoked: the gateway refuses this key with revoked_api_key.",
            apiKey.Metadata.Generation,
            now);
    }

    public static void Complete(ApiKeyStatus status, ApiKey apiKey, StoredKey? stored, KeyEnvironment environment, bool expired, DateTimeOffset now)
    {
        if (stored is not null)
        {
            // Derived from what is stored, so a status write lost to a crash is rebuilt by the next reconcile.
            if (stored.ServedRotationRequest is { } served
                && stored.Pending is null
                && served == apiKey.Metadata.Annotations?.GetValueOrDefault(Bastio.Core.WellKnown.RotateRequestedAtAnnotation)
                && served != status.LastRotationRequest)
            {
                status.LastRotationRequest = served;
                SetRotated(status, apiKey, true, EventReasons.Rotated, $"Rotated to version {stored.Version} for the request of {served}.", now);
            }

            if (stored.Current is not null)
            {
                status.CreatedAt ??= Rfc3339.Truncate(now);
            }

            status.LastRotatedAt = stored.RotatedAt;
            status.KeyId = stored.KeyId;
            status.KeyPrefix = ClientKey.DisplayPrefix(environment, stored.KeyId);
            status.Version = stored.Version > 0 ? stored.Version : null;
            status.PreviousKeyExpiresAt = stored.Previous.Max(previous => previous.ExpiresAt);
        }

        status.NextRotationAt = !expired && apiKey.Spec.Rotation?.Schedule is { } schedule && CronSchedule.TryParse(schedule, out var cron, out _)
            ? cron.GetNextOccurrence(now)
            : null;

        (status.Phase, var reason, var message, var ready) = (expired, stored?.Current, apiKey.Spec.Disabled) switch
        {
            (true, _, _) => (ApiKeyPhases.Expired, ApiKeyPhases.Expired, $"The key expired at {Rfc3339.Format(apiKey.Spec.ExpiresAt!.Value)}.", false),
            (_, null, _) => (ApiKeyPhases.Pending, ApiKeyPhases.Pending, "The key is being issued.", false),
            (_, _, true) => (ApiKeyPhases.Disabled, ApiKeyPhases.Disabled, "The key is disabled (spec.disabled); the gateway refuses it until re-enabled.", false),
            _ => (ApiKeyPhases.Active, ApiKeyPhases.Active, $"Key version {stored!.Version} is delivered in Secret {status.SecretName}.", true),
        };
        Conditions.Set(status, Ready, ready ? Conditions.True : Conditions.False, reason, message, apiKey.Metadata.Generation, now);
    }

    public static void SetRotated(ApiKeyStatus status, ApiKey apiKey, bool succeeded, string reason, string message, DateTimeOffset now) =>
        Conditions.Set(status, Rotated, succeeded ? Conditions.True : Conditions.False, reason, message, apiKey.Metadata.Generation, now);
}
