using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>
/// The encryption key controller's wiring: one key, the encryption key Secret. It is needed as soon as
/// any key exists, and re-checked whenever a managed Secret changes.
/// </summary>
internal static class EncryptionKeyController
{
    public const string Name = "encryption";

    public static ControllerRegistration Register(ControllerContext context)
    {
        var caches = context.Caches;
        var reconciler = new EncryptionKeyReconciler(context.Clients, caches, context.Events, context.Metrics, context.Options, context.LoggerFactory.CreateLogger<EncryptionKeyReconciler>());
        var controller = context.NewController(Name, reconciler);
        controller.Watch(caches.EncryptionKey, _ => [reconciler.Key]);
        controller.Watch(caches.SystemSecrets, _ => [reconciler.Key]);
        controller.Watch(caches.ApiKeys, _ => [reconciler.Key]);
        controller.Watch(caches.ProviderKeys, _ => [reconciler.Key]);
        return new ControllerRegistration(controller);
    }
}
