using Bastio.Kubernetes.Runtime;

namespace Bastio.Operator.Controllers.Proxies;

/// <summary>The Proxy controller's wiring: a Proxy's status counts the keys that name it, so their changes reconcile it.</summary>
internal static class ProxyController
{
    public const string Name = "proxy";

    public static ControllerRegistration Register(ControllerContext context)
    {
        var caches = context.Caches;
        var controller = context.NewController(Name, new ProxyReconciler(context.Clients, caches, context.Options, context.TimeProvider));
        controller.Watch(caches.Proxies);
        controller.Watch(caches.ApiKeys, a => [new ObjectKey(a.Metadata.NamespaceProperty, a.Spec.ProxyRef.Name)]);
        controller.Watch(caches.ProviderKeys, p => [new ObjectKey(p.Metadata.NamespaceProperty, p.Spec.ProxyRef.Name)]);
        return new ControllerRegistration(controller, ControllerResync.AllOf(caches.Proxies, context.Options.ResyncPeriod));
    }
}
