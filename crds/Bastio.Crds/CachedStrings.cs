using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Crds;

/// <summary>
/// Pools the strings thousands of cached ApiKeys and ProviderKeys repeat (proxy names, permissions,
/// phases, condition vocabulary), plus an ApiKey's name, uid, key id and Secret name, which its
/// Secrets' labels and owner references repeat. Informer transforms of the operator and the gateway
/// call these, after the runtime has pooled the metadata.
/// </summary>
public static class CachedStrings
{
    public static void Intern(ApiKey apiKey, StringPool pool)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(pool);
        ObjectInterning.InternIdentity(apiKey, pool);
        apiKey.Spec.ProxyRef.Name = pool.Intern(apiKey.Spec.ProxyRef.Name);
        pool.InternAll(apiKey.Spec.Permissions);
        apiKey.Spec.Plan = pool.Intern(apiKey.Spec.Plan);
        if (apiKey.Status is { } status)
        {
            status.Phase = pool.Intern(status.Phase);
            status.KeyId = pool.Intern(status.KeyId);
            status.SecretName = pool.Intern(status.SecretName);
            ObjectInterning.InternConditions(status.Conditions, pool);
        }
    }

    public static void Intern(ProviderKey providerKey, StringPool pool)
    {
        ArgumentNullException.ThrowIfNull(providerKey);
        ArgumentNullException.ThrowIfNull(pool);
        providerKey.Spec.ProxyRef.Name = pool.Intern(providerKey.Spec.ProxyRef.Name);
        if (providerKey.Status is { } status)
        {
            status.Phase = pool.Intern(status.Phase);
            ObjectInterning.InternConditions(status.Conditions, pool);
        }
    }
}
