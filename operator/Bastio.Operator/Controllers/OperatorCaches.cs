using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Configuration;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers;

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

    public OperatorCaches(ResourceClients clients, OperatorOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        InformerOptions Tenant(string? labelSelector = null)
        {
            var informerOptions = new InformerOptions { LabelSelector = labelSelector };
            foreach (var ns in options.WatchNamespaces)
            {
                informerOptions.Namespaces.Add(ns);
            }

            return informerOptions;
        }

        var system = new InformerOptions { LabelSelector = ManagedLabels.ManagedSelector };
        system.Namespaces.Add(options.SystemNamespace);

        ApiKeys = new Informer<ApiKey>(clients.ApiKeys, Tenant(), loggerFactory.CreateLogger<Informer<ApiKey>>(), timeProvider);
        ProviderKeys = new Informer<ProviderKey>(clients.ProviderKeys, Tenant(), loggerFactory.CreateLogger<Informer<ProviderKey>>(), timeProvider);
        Proxies = new Informer<Proxy>(clients.Proxies, Tenant(), loggerFactory.CreateLogger<Informer<Proxy>>(), timeProvider);

        // Tenant Secrets: delivery Secrets (drift) and ProviderKey source Secrets (BYOK changes). The
        // sources carry no label of ours, so this cannot be narrowed by a selector.
        TenantSecrets = new Informer<Secret>(clients.Secrets, Tenant(), loggerFactory.CreateLogger<Informer<Secret>>(), timeProvider);
        SystemSecrets = new Informer<Secret>(clients.Secrets, system, loggerFactory.CreateLogger<Informer<Secret>>(), timeProvider);

        // Users may create or edit the encryption key Secret themselves, without our labels.
        var encryptionKey = new InformerOptions { FieldSelector = "metadata.name=" + WellKnown.EncryptionKeySecret.Name };
        encryptionKey.Namespaces.Add(options.SystemNamespace);
        EncryptionKey = new Informer<Secret>(clients.Secrets, encryptionKey, loggerFactory.CreateLogger<Informer<Secret>>(), timeProvider);

        var cronJobOptions = new InformerOptions { LabelSelector = ManagedLabels.ManagedSelector };
        cronJobOptions.Namespaces.Add(options.SystemNamespace);
        CronJobs = new Informer<CronJob>(clients.CronJobs, cronJobOptions, loggerFactory.CreateLogger<Informer<CronJob>>(), timeProvider);

        ApiKeys.AddIndex(ByProxy, a => [$"{a.Metadata.Namespace}/{a.Spec.ProxyRef.Name}"]);
        ProviderKeys.AddIndex(ByProxy, p => [$"{p.Metadata.Namespace}/{p.Spec.ProxyRef.Name}"]);
        ProviderKeys.AddIndex(BySourceSecret, p => [$"{p.Metadata.Namespace}/{p.Spec.SecretRef.Name}"]);
        ProviderKeys.AddIndex(ByReplaced, p => p.Spec.Replaces is { Length: > 0 } replaced ? [$"{p.Metadata.Namespace}/{replaced}"] : []);
    }

    public IInformer<ApiKey> ApiKeys { get; }

    public IInformer<ProviderKey> ProviderKeys { get; }

    public IInformer<Proxy> Proxies { get; }

    public IInformer<Secret> TenantSecrets { get; }

    /// <summary>Managed Secrets of the system namespace: verifiers, provider key copies, the encryption key.</summary>
    public IInformer<Secret> SystemSecrets { get; }

    public IInformer<Secret> EncryptionKey { get; }

    public IInformer<CronJob> CronJobs { get; }

    public IReadOnlyList<IInformer> All => [ApiKeys, ProviderKeys, Proxies, TenantSecrets, SystemSecrets, EncryptionKey, CronJobs];

    /// <summary>The ApiKey a managed object (verifier, delivery Secret, CronJob) was made for.</summary>
    public static IEnumerable<Bastio.Kubernetes.Runtime.ObjectKey> SourceOf(IKubernetesObject managed, string kind) =>
        ManagedLabels.Source(managed) is { } source && source.Kind == kind
            ? [new Bastio.Kubernetes.Runtime.ObjectKey(source.Namespace, source.Name)]
            : [];
}
