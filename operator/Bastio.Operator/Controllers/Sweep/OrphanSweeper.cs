using Bastio.Core;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Logging;
using Bastio.Operator.ManagedObjects;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers.Sweep;

/// <summary>
/// Deletes managed system-namespace objects whose source object is gone (or was re-created with a new
/// uid): what finalizers miss when a source is force-deleted or the operator was down. Runs as a
/// controller on one synthetic key, so it runs only on the leader and only with synced caches.
/// </summary>
internal sealed partial class OrphanSweeper(
    ResourceClients clients,
    OperatorCaches caches,
    OperatorOptions options,
    ILogger<OrphanSweeper> logger) : IReconciler
{
    public static readonly ObjectKey Key = new(null, "orphan-sweep");

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        foreach (var secret in caches.SystemSecrets.Store.List())
        {
            if (IsOrphan(secret))
            {
                await DeleteAsync(clients.Secrets, secret, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var cronJob in caches.CronJobs.Store.List())
        {
            if (IsOrphan(cronJob))
            {
                await DeleteAsync(clients.CronJobs, cronJob, cancellationToken).ConfigureAwait(false);
            }
        }

        return ReconcileResult.Requeue(options.SweepInterval);
    }

    internal bool IsOrphan(IKubernetesObject<V1ObjectMeta> managed)
    {
        if (ManagedLabels.Source(managed) is not { } source)
        {
            return false;
        }

        // Sources outside the watched namespaces are not in the caches: absence there proves nothing.
        if (options.WatchNamespaces.Count > 0 && !options.WatchNamespaces.Contains(source.Namespace))
        {
            return false;
        }

        IKubernetesObject<V1ObjectMeta>? current = source.Kind switch
        {
            "ApiKey" => caches.ApiKeys.Store.Get(source.Namespace, source.Name),
            "ProviderKey" => caches.ProviderKeys.Store.Get(source.Namespace, source.Name),
            _ => null,
        };
        return source.Kind is "ApiKey" or "ProviderKey"
            && (current is null || (source.Uid is not null && current.Metadata.Uid != source.Uid));
    }

    private async Task DeleteAsync<T>(IResourceClient<T> client, T managed, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            // The uid precondition keeps a same-named object created meanwhile safe.
            await client.DeleteAsync(managed.Metadata.NamespaceProperty, managed.Metadata.Name!, new DeleteOptions { PreconditionUid = managed.Metadata.Uid, PropagationPolicy = PropagationPolicy.Background }, cancellationToken).ConfigureAwait(false);
            Log.Deleted(logger, client.Type.Kind, managed.Metadata.Name!, managed.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceName));
        }
        catch (NotFoundException)
        {
        }
        catch (ConflictException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(OperatorLogEvents.OrphanDeleted, LogLevel.Information, "Deleted orphaned {Kind} {Name} (its source {Source} is gone)")]
        public static partial void Deleted(ILogger logger, string kind, string name, string? source);
    }
}
