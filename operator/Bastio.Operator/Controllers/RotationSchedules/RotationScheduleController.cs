using Bastio.Operator.Cluster;

namespace Bastio.Operator.Controllers.RotationSchedules;

/// <summary>
/// The rotation schedule controller's wiring: keyed by ApiKey, it follows the ApiKeys (spec and status
/// phase) and the CronJobs made for them, so a CronJob that is edited or deleted is put back.
/// </summary>
internal static class RotationScheduleController
{
    public const string Name = "rotationschedule";

    public static ControllerRegistration Register(ControllerContext context)
    {
        var caches = context.Caches;
        var controller = context.NewController(Name, new RotationScheduleReconciler(caches, new RotationCronJobs(context.Clients, caches, context.Options)));
        controller.Watch(caches.ApiKeys);
        controller.Watch(caches.CronJobs, c => OperatorCaches.SourceOf(c, "ApiKey"));
        return new ControllerRegistration(controller, ControllerResync.AllOf(caches.ApiKeys, context.Options.ResyncPeriod));
    }
}
