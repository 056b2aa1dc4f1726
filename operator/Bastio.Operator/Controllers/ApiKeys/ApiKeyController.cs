using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Operator.Cluster;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.RotationSchedules;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>The ApiKey controller's wiring: what it watches and how each change maps to ApiKeys to reconcile.</summary>
internal static class ApiKeyController
{
    public const string Name = "apikey";

    public static ControllerRegistration Register(ControllerContext context)
    {
        var caches = context.Caches;
        var reconciler = new ApiKeyReconciler(
            context.Clients,
            caches,
            context.EncryptionKeys,
            new RotationCronJobs(context.Clients, caches, context.Options),
            context.DeliveryGate,
            context.Recorder,
            context.Metrics,
            context.Options,
            context.TimeProvider,
            context.LoggerFactory.CreateLogger<ApiKeyReconciler>());
        var controller = context.NewController(Name, new EncryptionKeyWait(reconciler, Name, context.LoggerFactory.CreateLogger<EncryptionKeyWait>()));
        controller.Watch(caches.ApiKeys);
        controller.Watch(caches.Proxies, p => caches.ApiKeys.Store.ByIndex(OperatorCaches.ByProxy, $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Select(ObjectKey.From));
        controller.Watch(caches.TenantSecrets, OwnerApiKey);
        controller.Watch(caches.SystemSecrets, s => OperatorCaches.SourceOf(s, "ApiKey"));
        controller.Watch(caches.EncryptionKey, _ => caches.ApiKeys.Store.List().Select(ObjectKey.From));
        return new ControllerRegistration(controller, ControllerResync.AllOf(caches.ApiKeys, context.Options.ResyncPeriod));
    }

    /// <summary>Delivery Secrets map to their ApiKey by the controller owner reference, labels or not.</summary>
    private static IEnumerable<ObjectKey> OwnerApiKey(V1Secret secret) =>
        secret.Metadata.OwnerReferences?
            .Where(o => o.Controller == true && o.Kind == "ApiKey" && o.ApiVersion == BastioResources.ApiVersion)
            .Select(o => new ObjectKey(secret.Metadata.NamespaceProperty, o.Name)) ?? [];
}
