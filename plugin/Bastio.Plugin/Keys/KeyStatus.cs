using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Runtime.Objects;

namespace Bastio.Plugin.Keys;

/// <summary>Reading an ApiKey's status the way the operator writes it.</summary>
public static class KeyStatus
{
    /// <summary>The operator has acted on the current spec and the key is usable.</summary>
    public static bool IsReady(ApiKey key) =>
        key.Status is { } status
        && status.ObservedGeneration >= key.Metadata.Generation
        && status.Conditions?.Find(condition => condition.Type == ApiKeyConditions.Ready) is { Status: Conditions.True };

    /// <summary>The operator has acted on the current spec and reports the key can never become ready as it is.</summary>
    public static bool IsInvalid(ApiKey key) =>
        key.Status is { Phase: ApiKeyPhases.Invalid } status && status.ObservedGeneration >= key.Metadata.Generation;

    public static string ReadyMessage(ApiKey key) =>
        key.Status?.Conditions?.Find(condition => condition.Type == ApiKeyConditions.Ready) is { } ready
            ? $"{ready.Reason}: {ready.Message}"
            : "no Ready condition yet";

    public static string SecretName(ApiKey key) =>
        key.Status?.SecretName ?? key.Spec.SecretName ?? $"{key.Metadata.Name}-key";
}
