using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Informers;

/// <summary>
/// Replaces the repeated strings of a freshly decoded object with pooled copies before an informer
/// caches it (see <see cref="InformerOptions.InternStrings"/>). Only the object's own fields change
/// identity, never their values; the object must not yet be shared.
/// </summary>
public static class ObjectInterning
{
    /// <summary>
    /// Type and object metadata, plus the keys of Secret and ConfigMap data. An object's own name and uid
    /// are left alone, as they are usually unique; a transform pools them where other objects repeat
    /// them (see <see cref="InternIdentity"/>).
    /// </summary>
    public static void Intern(IKubernetesObject<V1ObjectMeta> obj, StringPool pool)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(pool);
        obj.ApiVersion = pool.Intern(obj.ApiVersion);
        obj.Kind = pool.Intern(obj.Kind);
        var meta = obj.Metadata;
        meta.NamespaceProperty = pool.Intern(meta.NamespaceProperty);
        meta.GenerateName = pool.Intern(meta.GenerateName);
        meta.Labels = pool.InternAll(meta.Labels);
        meta.Annotations = pool.InternAll(meta.Annotations);
        pool.InternAll(meta.Finalizers);
        if (meta.OwnerReferences is { } owners)
        {
            foreach (var owner in owners)
            {
                owner.ApiVersion = pool.Intern(owner.ApiVersion);
                owner.Kind = pool.Intern(owner.Kind);
                owner.Name = pool.Intern(owner.Name);
                owner.Uid = pool.Intern(owner.Uid);
            }
        }

        switch (obj)
        {
            case V1Secret secret:
                secret.Type = pool.Intern(secret.Type);
                secret.Data = pool.InternKeys(secret.Data);
                break;
            case V1ConfigMap configMap:
                configMap.BinaryData = pool.InternKeys(configMap.BinaryData);
                break;
        }
    }

    /// <summary>The object's name and uid, for kinds whose dependents repeat them in owner references and labels.</summary>
    public static void InternIdentity(IKubernetesObject<V1ObjectMeta> obj, StringPool pool)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(pool);
        obj.Metadata.Name = pool.Intern(obj.Metadata.Name);
        obj.Metadata.Uid = pool.Intern(obj.Metadata.Uid);
    }

    /// <summary>The type, status and reason of each condition (messages are left alone: they tend to be unique).</summary>
    public static void InternConditions(IEnumerable<V1Condition>? conditions, StringPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (conditions is null)
        {
            return;
        }

        foreach (var condition in conditions)
        {
            condition.Type = pool.Intern(condition.Type);
            condition.Status = pool.Intern(condition.Status);
            condition.Reason = pool.Intern(condition.Reason);
        }
    }
}
