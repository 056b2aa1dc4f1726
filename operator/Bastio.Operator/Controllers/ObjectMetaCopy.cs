using k8s;
using k8s.Models;

namespace Bastio.Operator.Controllers;

/// <summary>Informer caches share their objects: anything about to be changed is copied first.</summary>
internal static class ObjectMetaCopy
{
    public static V1ObjectMeta Of(V1ObjectMeta meta) => new()
    {
        Name = meta.Name,
        GenerateName = meta.GenerateName,
        NamespaceProperty = meta.NamespaceProperty,
        Uid = meta.Uid,
        ResourceVersion = meta.ResourceVersion,
        Generation = meta.Generation,
        CreationTimestamp = meta.CreationTimestamp,
        DeletionTimestamp = meta.DeletionTimestamp,
        DeletionGracePeriodSeconds = meta.DeletionGracePeriodSeconds,
        Labels = meta.Labels is null ? null : new Dictionary<string, string>(meta.Labels, StringComparer.Ordinal),
        Annotations = meta.Annotations is null ? null : new Dictionary<string, string>(meta.Annotations, StringComparer.Ordinal),
        OwnerReferences = meta.OwnerReferences?.ToList(),
        Finalizers = meta.Finalizers?.ToList(),
    };
}
