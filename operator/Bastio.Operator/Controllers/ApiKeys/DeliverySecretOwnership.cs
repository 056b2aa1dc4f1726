using Bastio.Core;
using Bastio.Crds;
using Bastio.Crds.Validation;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// Which Secret an ApiKey may write, adopt or strip as its delivery Secret: only one this operator
/// created for that very ApiKey. Anything else named by <c>spec.secretName</c> (the encryption key, a
/// verifier, a provider-key copy, another ApiKey's delivery Secret, a Helm release, a user's Secret)
/// is refused with <see cref="ApiKeyConditions.SecretConflict"/> and left exactly as it is.
/// </summary>
internal static class DeliverySecretOwnership
{
    /// <summary>Components of the system Secrets: never a delivery Secret, whoever they name as owner.</summary>
    private static readonly HashSet<string> SystemComponents =
        [WellKnown.Components.EncryptionKey, WellKnown.Components.ApiKeyVerifier, WellKnown.Components.ProviderKeyCopy];

    /// <summary>Null when <paramref name="apiKey"/> may write <paramref name="existing"/> (or create it when null) as Secret <paramref name="name"/>.</summary>
    public static SpecProblem? Check(ApiKey apiKey, string name, V1Secret? existing, string systemNamespace)
    {
        // By name as well as by content: a deleted encryption key must not come back as somebody's delivery Secret.
        if (apiKey.Metadata.NamespaceProperty == systemNamespace && IsReservedSystemName(name))
        {
            return new(ApiKeyConditions.SecretConflict, $"Secret '{name}' is reserved for the operator's system Secrets (the encryption key, verifiers, provider-key copies); choose another spec.secretName.");
        }

        return existing is null || IsOurs(existing, apiKey)
            ? null
            : new(ApiKeyConditions.SecretConflict, $"Secret '{name}' already exists and was not created by the operator for this ApiKey; it is left untouched. Choose another spec.secretName, or delete that Secret if it is no longer needed.");
    }

    /// <summary>
    /// Ours: labelled as this ApiKey's delivery Secret by its uid, or (Secrets written before the uid
    /// label was checked, or whose labels a tool removed) controlled by this ApiKey's uid. A uid is never
    /// reused, so a Secret left by an earlier ApiKey of the same name is not adopted.
    /// </summary>
    public static bool IsOurs(V1Secret secret, ApiKey apiKey)
    {
        var labels = secret.Metadata.Labels;
        if (labels?.GetValueOrDefault(WellKnown.Labels.Component) is { } component && SystemComponents.Contains(component))
        {
            return false;
        }

        var labelled = labels?.GetValueOrDefault(WellKnown.Labels.ManagedBy) == WellKnown.Labels.ManagedByValue
            && labels.GetValueOrDefault(WellKnown.Labels.Component) == WellKnown.Components.DeliverySecret
            && ManagedLabels.Source(secret) is { Kind: "ApiKey", Uid: { } uid } && uid == apiKey.Metadata.Uid;
        return labelled || secret.Metadata.OwnerReferences?.Any(owner =>
            owner.Controller == true && owner.Kind == "ApiKey" && owner.ApiVersion == BastioResources.ApiVersion && owner.Uid == apiKey.Metadata.Uid) == true;
    }

    private static bool IsReservedSystemName(string name) =>
        name == WellKnown.EncryptionKeySecret.Name
        || name.StartsWith(WellKnown.VerifierSecret.NamePrefix, StringComparison.Ordinal)
        || name.StartsWith(WellKnown.ProviderKeySecret.NamePrefix, StringComparison.Ordinal);
}
