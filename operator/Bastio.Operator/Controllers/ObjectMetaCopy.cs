using Bastio.Kubernetes.Models;

namespace Bastio.Operator.Controllers;

/// <summary>Informer caches share their objects: anything about to be changed is copied first.</summary>
internal static class ObjectMetaCopy
{
    public static ObjectMeta Of(ObjectMeta meta) => new()
    {
        Name = meta.Name,
        GenerateName = meta.GenerateName,
        Namespace = meta.Namespace,
        Uid = meta.Uid,
        ResourceVersion = meta.ResourceVersion,
        Generation = meta.Generation,
        CreationTimestamp = meta.CreationTimestamp,
        DeletionTimestamp = meta.DeletionTimestamp,
        DeletionGracePeriodSeconds = meta.DeletionGracePeriodSeconds,
        Labels = meta.Labels is null ? null : new(meta.Labels, StringComparer.Ordinal),
        Annotations = meta.Annotations is null ? null : new(meta.Annotations, StringComparer.Ordinal),
        OwnerReferences = meta.OwnerReferences?.ToList(),
        Finalizers = meta.Finalizers?.ToList(),
    };
}
