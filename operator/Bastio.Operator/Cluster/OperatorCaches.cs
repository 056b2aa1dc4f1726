using Bastio.Core;
using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Configuration;
using Bastio.Operator.ManagedObjects;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Cluster;

/// <summary>
/// The informers every controller reads from, created once per process and shared, so each kind is
/// listed and watched once.
/// </summary>
internal sealed class OperatorCaches
{
    /// <summary>ApiKeys and ProviderKeys by the Proxy they name (<c>namespace/proxy</c>).</summary>
    public const string ByProxy = "by-proxy";

    /// <summary>ProviderKeys by their source Secret (<c>namespace/secret</c>).</summary>
    public const string BySourceSecret = "by-source-secret";

    /// <summary>ProviderKeys by the ProviderKey they replace (<c>namespace/name</c>).</summary>
    public const string ByReplaced = "by-replaced";

    private readonly string _systemNamespace;

    public OperatorCaches(ResourceClients clients, OperatorOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        _systemNamespace = options.SystemNamespace;
        InformerOptions Tenant(Action<IKubernetesObject<V1ObjectMeta>>? transform = null)
        {
            var informerOptions = new InformerOptions { Transform = transform };
            foreach (var ns in options.WatchNamespaces)
            {
                informerOptions.Namespaces.Add(ns);
            }

            return informerOptions;
        }

        var system = new InformerOptions { LabelSelector = ManagedLabels.ManagedSelector };
        system.Namespaces.Add(options.SystemNamespace);

        ApiKeys = new Informer<ApiKey>(clients.ApiKeys, Tenant(a => CachedStrings.Intern((ApiKey)a, StringPool.Shared)), loggerFactory.CreateLogger<Informer<ApiKey>>(), timeProvider);
        ProviderKeys = new Informer<ProviderKey>(clients.ProviderKeys, Tenant(p => CachedStrings.Intern((ProviderKey)p, StringPool.Shared)), loggerFactory.CreateLogger<Informer<ProviderKey>>(), timeProvider);
        Proxies = new Informer<Proxy>(clients.Proxies, Tenant(), loggerFactory.CreateLogger<Informer<Proxy>>(), timeProvider);

        // Tenant Secrets: delivery Secrets (drift) and ProviderKey source Secrets (BYOK changes). The
        // sources carry no label of ours, so this cannot be narrowed by a label selector. The system
        // namespace is left out: its managed Secrets are SystemSecrets' (caching every verifier twice
        // cost about 3 KB a key), and its other Secrets are SystemUnmanagedSecrets'.
        var tenantSecrets = Tenant(TrimTenantSecret);
        tenantSecrets.FieldSelector = "metadata.namespace!=" + options.SystemNamespace;
        TenantSecrets = new Informer<V1Secret>(clients.Secrets, tenantSecrets, loggerFactory.CreateLogger<Informer<V1Secret>>(), timeProvider);
        SystemSecrets = new Informer<V1Secret>(clients.Secrets, system, loggerFactory.CreateLogger<Informer<V1Secret>>(), timeProvider);

        // Only when tenants may keep keys in the system namespace too: a ProviderKey's source Secret there.
        if (options.WatchNamespaces.Count == 0 || options.WatchNamespaces.Contains(options.SystemNamespace))
        {
            var unmanaged = new InformerOptions { LabelSelector = WellKnown.Labels.ManagedBy + "!=" + WellKnown.Labels.ManagedByValue, Transform = TrimTenantSecret };
            unmanaged.Namespaces.Add(options.SystemNamespace);
            SystemUnmanagedSecrets = new Informer<V1Secret>(clients.Secrets, unmanaged, loggerFactory.CreateLogger<Informer<V1Secret>>(), timeProvider);
        }

        // Users may create or edit the encryption key Secret themselves, without our labels.
        var encryptionKey = new InformerOptions { FieldSelector = "metadata.name=" + WellKnown.EncryptionKeySecret.Name };
        encryptionKey.Namespaces.Add(options.SystemNamespace);
        EncryptionKey = new Informer<V1Secret>(clients.Secrets, encryptionKey, loggerFactory.CreateLogger<Informer<V1Secret>>(), timeProvider);

        var cronJobOptions = new InformerOptions { LabelSelector = ManagedLabels.ManagedSelector };
        cronJobOptions.Namespaces.Add(options.SystemNamespace);
        CronJobs = new Informer<V1CronJob>(clients.CronJobs, cronJobOptions, loggerFactory.CreateLogger<Informer<V1CronJob>>(), timeProvider);

        ApiKeys.AddIndex(ByProxy, a => [$"{a.Metadata.NamespaceProperty}/{a.Spec.ProxyRef.Name}"]);
        ProviderKeys.AddIndex(ByProxy, p => [$"{p.Metadata.NamespaceProperty}/{p.Spec.ProxyRef.Name}"]);
        ProviderKeys.AddIndex(BySourceSecret, p => [$"{p.Metadata.NamespaceProperty}/{p.Spec.SecretRef.Name}"]);
        ProviderKeys.AddIndex(ByReplaced, p => p.Spec.Replaces is { Length: > 0 } replaced ? [$"{p.Metadata.NamespaceProperty}/{replaced}"] : []);
    }

    public IInformer<ApiKey> ApiKeys { get; }

    public IInformer<ProviderKey> ProviderKeys { get; }

    public IInformer<Proxy> Proxies { get; }

    /// <summary>Secrets outside the system namespace: delivery Secrets and ProviderKey sources.</summary>
    public IInformer<V1Secret> TenantSecrets { get; }

    /// <summary>The system namespace's Secrets that are not ours (null when no tenant may live there).</summary>
    public IInformer<V1Secret>? SystemUnmanagedSecrets { get; }


    /// <summary>Managed Secrets of the system namespace: verifiers, provider key copies, the encryption key.</summary>
    public IInformer<V1Secret> SystemSecrets { get; }

    public IInformer<V1Secret> EncryptionKey { get; }

    public IInformer<V1CronJob> CronJobs { get; }

    public IReadOnlyList<IInformer> All =>
        SystemUnmanagedSecrets is null
            ? [ApiKeys, ProviderKeys, Proxies, TenantSecrets, SystemSecrets, EncryptionKey, CronJobs]
            : [ApiKeys, ProviderKeys, Proxies, TenantSecrets, SystemSecrets, SystemUnmanagedSecrets, EncryptionKey, CronJobs];

    /// <summary>A tenant Secret (delivery or ProviderKey source) from whichever cache holds its namespace.</summary>
    public V1Secret? TenantSecret(string? ns, string name) =>
        ns != _systemNamespace
            ? TenantSecrets.Store.Get(ns, name)
            : SystemSecrets.Store.Get(ns, name) ?? SystemUnmanagedSecrets?.Store.Get(ns, name);

    /// <summary>
    /// Tenant Secrets that are not ours are cached as metadata only, as cert-manager does since 1.12: in a
    /// real cluster they are most of the Secrets (Helm releases, TLS certificates, tokens), and their data
    /// is only ever needed for the few that are ProviderKey sources, which are read live
    /// (<see cref="ProviderKeys.ProviderKeyReconciler"/>). Their events still arrive, so a changed source
    /// is still noticed. Delivery Secrets keep their data: the ApiKey reconciler compares it. One that lost
    /// our labels is still recognised by its ApiKey owner reference, so its key is never mistaken for gone.
    /// </summary>
    private static void TrimTenantSecret(IKubernetesObject<V1ObjectMeta> obj)
    {
        var secret = (V1Secret)obj;
        if (ManagedLabels.Source(secret) is not null)
        {
            // A delivery Secret's name is repeated in its ApiKey's status.secretName.
            secret.Metadata.Name = StringPool.Shared.Intern(secret.Metadata.Name);
            return;
        }

        if (secret.Metadata.OwnerReferences?.Any(o => o.Kind == "ApiKey" && o.ApiVersion == BastioResources.ApiVersion) == true)
        {
            return;
        }

        secret.Data = null;
        secret.StringData = null;
    }

    /// <summary>The ApiKey a managed object (verifier, delivery Secret, CronJob) was made for.</summary>
    public static IEnumerable<Bastio.Kubernetes.Runtime.ObjectKey> SourceOf(IKubernetesObject<V1ObjectMeta> managed, string kind) =>
        ManagedLabels.Source(managed) is { } source && source.Kind == kind
            ? [new Bastio.Kubernetes.Runtime.ObjectKey(source.Namespace, source.Name)]
            : [];
}
