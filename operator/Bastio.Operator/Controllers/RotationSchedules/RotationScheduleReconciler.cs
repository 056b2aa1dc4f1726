using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Operator.Cluster;
using Bastio.Operator.Controllers.ApiKeys;

namespace Bastio.Operator.Controllers.RotationSchedules;

/// <summary>
/// Keeps an ApiKey's rotation CronJob in line with <c>spec.rotation.schedule</c>. The CronJob exists only
/// while the ApiKey controller reports a key that can still be rotated (phase Pending, Active or Disabled):
/// an Invalid, Expired or Revoked key has nothing to rotate. Reading that verdict from status leaves the
/// rules of validity, expiry and revocation with the ApiKey controller alone.
/// </summary>
internal sealed class RotationScheduleReconciler(OperatorCaches caches, RotationCronJobs cronJobs) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var apiKey = caches.ApiKeys.Store.Get(key);
        if (apiKey is null || apiKey.Metadata.DeletionTimestamp is not null || !Rotatable(apiKey))
        {
            await cronJobs.RemoveAsync(key.Namespace!, key.Name, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        await cronJobs.EnsureAsync(apiKey, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private static bool Rotatable(ApiKey apiKey) =>
        apiKey.Status?.Phase is ApiKeyPhases.Pending or ApiKeyPhases.Active or ApiKeyPhases.Disabled;
}
