using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Cluster;
using Bastio.Operator.Controllers.Encryption;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.ProviderKeys;

/// <summary>The ProviderKey controller's wiring: what it watches and how each change maps to ProviderKeys to reconcile.</summary>
internal static class ProviderKeyController
{
    public const string Name = "providerkey";

    public static ControllerRegistration Register(ControllerContext context)
    {
        var caches = context.Caches;
        var reconciler = new ProviderKeyReconciler(context.Clients, caches, context.EncryptionKeys, context.ProviderValidator, context.Recorder, context.Options, context.TimeProvider);
        var controller = context.NewController(Name, new EncryptionKeyWait(reconciler, Name, context.LoggerFactory.CreateLogger<EncryptionKeyWait>()));
        controller.Watch(caches.ProviderKeys);

        // A key that is replaced follows the migration of the key replacing it.
        controller.Watch(caches.ProviderKeys, p => p.Spec.Replaces is { Length: > 0 } replaced ? [new ObjectKey(p.Metadata.NamespaceProperty, replaced)] : []);

        // Whether a replaces may take effect depends on its target's Proxy and replaces (ProviderKeyValidation.ReplacesProblem).
        controller.Watch(caches.ProviderKeys, p => caches.ProviderKeys.Store.ByIndex(OperatorCaches.ByReplaced, $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Select(ObjectKey.From));
        controller.Watch(caches.Proxies, p => caches.ProviderKeys.Store.ByIndex(OperatorCaches.ByProxy, $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Select(ObjectKey.From));
        foreach (var sources in new[] { caches.TenantSecrets, caches.SystemUnmanagedSecrets }.OfType<IInformer<V1Secret>>())
        {
            controller.Watch(sources, s => caches.ProviderKeys.Store.ByIndex(OperatorCaches.BySourceSecret, $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}").Select(ObjectKey.From));
        }

        controller.Watch(caches.SystemSecrets, s => OperatorCaches.SourceOf(s, "ProviderKey"));
        controller.Watch(caches.EncryptionKey, _ => caches.ProviderKeys.Store.List().Select(ObjectKey.From));
        return new ControllerRegistration(controller, ControllerResync.AllOf(caches.ProviderKeys, context.Options.ResyncPeriod));
    }
}
