using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Objects;

/// <summary>Owner reference helpers with the API server's rules (controller-runtime's controllerutil).</summary>
public static class OwnerReferences
{
    /// <summary>
    /// Makes <paramref name="owner"/> the controller of <paramref name="owned"/> (for garbage collection and
    /// <c>blockOwnerDeletion</c>). Throws if another object already controls it, or if the reference would
    /// cross namespaces, which the garbage collector does not honour.
    /// </summary>
    public static void SetControllerReference(IKubernetesObject<V1ObjectMeta> owner, IKubernetesObject<V1ObjectMeta> owned)
    {
        var reference = ReferenceTo(owner);
        var existing = GetController(owned);
        if (existing is not null && existing.Uid != reference.Uid)
        {
            throw new InvalidOperationException(
                $"{owned.Kind} {owned.Metadata.Name} is already controlled by {existing.Kind} {existing.Name}.");
        }

        reference.Controller = true;
        reference.BlockOwnerDeletion = true;
        Upsert(owner, owned, reference);
    }

    /// <summary>Adds a non-controller owner reference (replacing one to the same owner).</summary>
    public static void SetOwnerReference(IKubernetesObject<V1ObjectMeta> owner, IKubernetesObject<V1ObjectMeta> owned) => Upsert(owner, owned, ReferenceTo(owner));

    public static bool IsOwnedBy(IKubernetesObject<V1ObjectMeta> owned, IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owned);
        ArgumentNullException.ThrowIfNull(owner);
        return owner.Metadata.Uid is { Length: > 0 } uid && owned.Metadata.OwnerReferences?.Any(r => r.Uid == uid) == true;
    }

    public static bool IsControlledBy(IKubernetesObject<V1ObjectMeta> owned, IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return owner.Metadata.Uid is { Length: > 0 } uid && GetController(owned)?.Uid == uid;
    }

    public static V1OwnerReference? GetController(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
    }

    /// <summary>
    /// A <c>Controller.Watch</c> map for owned objects: the key of the controlling owner if it is of
    /// <paramref name="ownerKind"/> in <paramref name="ownerApiVersion"/> (owners live in the owned object's namespace).
    /// </summary>
    public static IEnumerable<ObjectKey> ControllerKeys(IKubernetesObject<V1ObjectMeta> owned, string ownerApiVersion, string ownerKind)
    {
        var controller = GetController(owned);
        if (controller is not null && controller.Kind == ownerKind && controller.ApiVersion == ownerApiVersion && controller.Name.Length > 0)
        {
            yield return new ObjectKey(string.IsNullOrEmpty(owned.Metadata.NamespaceProperty) ? null : owned.Metadata.NamespaceProperty, controller.Name);
        }
    }

    private static V1OwnerReference ReferenceTo(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (string.IsNullOrEmpty(owner.ApiVersion) || string.IsNullOrEmpty(owner.Kind) || string.IsNullOrEmpty(owner.Metadata.Name) || string.IsNullOrEmpty(owner.Metadata.Uid))
        {
            throw new ArgumentException("An owner needs apiVersion, kind, metadata.name and metadata.uid (read it from the API server first).", nameof(owner));
        }

        return new V1OwnerReference { ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Metadata.Name, Uid = owner.Metadata.Uid };
    }

    private static void Upsert(IKubernetesObject<V1ObjectMeta> owner, IKubernetesObject<V1ObjectMeta> owned, V1OwnerReference reference)
    {
        ArgumentNullException.ThrowIfNull(owned);
        var ownerNamespace = owner.Metadata.NamespaceProperty;
        if (!string.IsNullOrEmpty(ownerNamespace) && ownerNamespace != owned.Metadata.NamespaceProperty)
        {
            throw new InvalidOperationException(
                $"{owner.Kind} {ownerNamespace}/{owner.Metadata.Name} cannot own an object outside its namespace; use a finalizer instead.");
        }

        var references = owned.Metadata.OwnerReferences ??= [];
        var index = references.Select(r => r.Uid).ToList().IndexOf(reference.Uid);
        if (index >= 0)
        {
            references[index] = reference;
        }
        else
        {
            references.Add(reference);
        }
    }
}
