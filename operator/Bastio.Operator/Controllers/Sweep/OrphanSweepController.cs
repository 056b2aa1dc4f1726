using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.Sweep;

/// <summary>The orphan sweep's wiring: one key, swept whenever a managed Secret or CronJob changes.</summary>
internal static class OrphanSweepController
{
    public const string Name = "sweep";

    public static ControllerRegistration Register(ControllerContext context)
    {
        var caches = context.Caches;
        var controller = context.NewController(Name, new OrphanSweeper(context.Clients, caches, context.Options, context.LoggerFactory.CreateLogger<OrphanSweeper>()));
        controller.Watch(caches.SystemSecrets, _ => [OrphanSweeper.Key]);
        controller.Watch(caches.CronJobs, _ => [OrphanSweeper.Key]);
        return new ControllerRegistration(controller);
    }
}
