using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;

namespace Bastio.Operator.Objects;

/// <summary>
/// Writes a status computed from one version of an object, with that version's resourceVersion. A
/// conflict means the status was computed from stale input: it is not re-applied to the fresh object
/// (that would write stale facts) but fails the reconcile, which runs again on the fresh object.
/// </summary>
internal static class StatusWriter
{
    public static async Task WriteAsync<T>(IResourceClient<T> client, JsonTypeInfo<T> typeInfo, T current, Action<T> setStatus, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        // A copy: the current object is shared with the informer cache.
        var desired = ObjectCopy.Of(current);
        setStatus(desired);
        if (StatusUpdater.IsNoOp(current, desired, typeInfo))
        {
            return;
        }

        try
        {
            await client.ReplaceStatusAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }
}
