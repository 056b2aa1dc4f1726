using System.Text.Json;
using Bastio.Core;
using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Gateway.Configuration;

/// <summary>
/// Informer transforms that keep only what <see cref="SnapshotBuilder"/> reads, so ten thousand cached
/// ApiKeys and verifier Secrets do not also carry their conditions, annotations (a kubectl
/// last-applied-configuration alone is often larger than the rest of the object) and bookkeeping labels.
/// </summary>
internal static class CachedObjectTrimming
{
    private static readonly string[] SecretLabelsRead =
        [WellKnown.Labels.Component, WellKnown.Labels.SourceNamespace, WellKnown.Labels.SourceName, WellKnown.Labels.SourceUid];

    /// <summary>Identity, spec and the two status fields the gateway reads: phase (Revoked) and key id.</summary>
    public static void ApiKey(IKubernetesObject<V1ObjectMeta> obj)
    {
        var apiKey = (ApiKey)obj;
        DropBookkeeping(apiKey.Metadata);
        apiKey.Spec.DisplayName = null;
        if (apiKey.Status is { } status)
        {
            apiKey.Status = new ApiKeyStatus { Phase = status.Phase, KeyId = status.KeyId };
        }

        CachedStrings.Intern(apiKey, StringPool.Shared);
    }

    /// <summary>
    /// Whether two trimmed versions of an ApiKey serve the same: true for a change the gateway does not
    /// read, such as the gateways' own <c>status.usage</c> reports, which must not rebuild the snapshot.
    /// </summary>
    public static bool ServesTheSame(ApiKey before, ApiKey after) =>
        before.Metadata.Uid == after.Metadata.Uid
        && before.Metadata.DeletionTimestamp == after.Metadata.DeletionTimestamp
        && before.Status?.Phase == after.Status?.Phase
        && before.Status?.KeyId == after.Status?.KeyId
        && JsonSerializer.SerializeToUtf8Bytes(before.Spec, BastioJsonContext.Default.ApiKeySpec)
            .AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(after.Spec, BastioJsonContext.Default.ApiKeySpec));

    /// <summary>Identity, data and the labels that say which object a managed Secret belongs to.</summary>
    public static void Secret(IKubernetesObject<V1ObjectMeta> obj)
    {
        var meta = obj.Metadata;
        var labels = meta.Labels;
        DropBookkeeping(meta);
        if (labels is not null)
        {
            var kept = new Dictionary<string, string>(SecretLabelsRead.Length, StringComparer.Ordinal);
            foreach (var name in SecretLabelsRead)
            {
                if (labels.TryGetValue(name, out var value))
                {
                    kept[name] = value;
                }
            }

            meta.Labels = kept.Count == 0 ? null : kept;
        }
    }

    private static void DropBookkeeping(V1ObjectMeta meta)
    {
        meta.Labels = null;
        meta.Annotations = null;
        meta.Finalizers = null;
        meta.OwnerReferences = null;
        meta.CreationTimestamp = null;
        meta.Generation = null;
    }
}
