using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>Typed access to the kinds the product uses, over the official client.</summary>
public static class KubernetesResources
{
    /// <summary>A kind outside the core group (any built-in group or a custom resource).</summary>
    public static IResourceClient<T> Resource<T>(this IKubernetes client, ResourceType type)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        return new ResourceClient<T>(type, new CustomObjectCalls<T>(client, type));
    }

    public static IResourceClient<V1Namespace> Namespaces(this IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var core = client.CoreV1;
        return new ResourceClient<V1Namespace>(ResourceType.Namespaces, new CoreCalls<V1Namespace, V1NamespaceList>
        {
            Read = (_, name, ct) => core.ReadNamespaceAsync(name, cancellationToken: ct),
            List = (_, q, watch, ct) => core.ListNamespaceWithHttpMessagesAsync(
                q.AllowWatchBookmarks, q.Continue, q.FieldSelector, q.LabelSelector, q.Limit, q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: watch, cancellationToken: ct),
            Create = (_, obj, dryRun, manager, ct) => core.CreateNamespaceAsync(obj, dryRun, manager, cancellationToken: ct),
            Replace = (_, name, obj, dryRun, manager, ct) => core.ReplaceNamespaceAsync(obj, name, dryRun, manager, cancellationToken: ct),
            Patch = (_, name, patch, dryRun, manager, ct) => core.PatchNamespaceAsync(patch, name, dryRun, manager, cancellationToken: ct),
            Delete = (_, name, options, ct) => core.DeleteNamespaceAsync(name, options, cancellationToken: ct),
        });
    }

    public static IResourceClient<V1Secret> Secrets(this IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var core = client.CoreV1;
        return new ResourceClient<V1Secret>(ResourceType.Secrets, new CoreCalls<V1Secret, V1SecretList>
        {
            Read = (ns, name, ct) => core.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct),
            List = (ns, q, watch, ct) => ns is null
                ? core.ListSecretForAllNamespacesWithHttpMessagesAsync(
                    q.AllowWatchBookmarks, q.Continue, q.FieldSelector, q.LabelSelector, q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: watch, cancellationToken: ct)
                : core.ListNamespacedSecretWithHttpMessagesAsync(
                    ns, q.AllowWatchBookmarks, q.Continue, q.FieldSelector, q.LabelSelector, q.Limit, q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: watch, cancellationToken: ct),
            Create = (ns, obj, dryRun, manager, ct) => core.CreateNamespacedSecretAsync(obj, ns, dryRun, manager, cancellationToken: ct),
            Replace = (ns, name, obj, dryRun, manager, ct) => core.ReplaceNamespacedSecretAsync(obj, name, ns, dryRun, manager, cancellationToken: ct),
            Patch = (ns, name, patch, dryRun, manager, ct) => core.PatchNamespacedSecretAsync(patch, name, ns, dryRun, manager, cancellationToken: ct),
            Delete = (ns, name, options, ct) => core.DeleteNamespacedSecretAsync(name, ns, options, cancellationToken: ct),
        });
    }

    public static IResourceClient<V1ConfigMap> ConfigMaps(this IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var core = client.CoreV1;
        return new ResourceClient<V1ConfigMap>(ResourceType.ConfigMaps, new CoreCalls<V1ConfigMap, V1ConfigMapList>
        {
            Read = (ns, name, ct) => core.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct),
            List = (ns, q, watch, ct) => ns is null
                ? core.ListConfigMapForAllNamespacesWithHttpMessagesAsync(
                    q.AllowWatchBookmarks, q.Continue, q.FieldSelector, q.LabelSelector, q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: watch, cancellationToken: ct)
                : core.ListNamespacedConfigMapWithHttpMessagesAsync(
                    ns, q.AllowWatchBookmarks, q.Continue, q.FieldSelector, q.LabelSelector, q.Limit, q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: watch, cancellationToken: ct),
            Create = (ns, obj, dryRun, manager, ct) => core.CreateNamespacedConfigMapAsync(obj, ns, dryRun, manager, cancellationToken: ct),
            Replace = (ns, name, obj, dryRun, manager, ct) => core.ReplaceNamespacedConfigMapAsync(obj, name, ns, dryRun, manager, cancellationToken: ct),
            Patch = (ns, name, patch, dryRun, manager, ct) => core.PatchNamespacedConfigMapAsync(patch, name, ns, dryRun, manager, cancellationToken: ct),
            Delete = (ns, name, options, ct) => core.DeleteNamespacedConfigMapAsync(name, ns, options, cancellationToken: ct),
        });
    }

    /// <summary>events.k8s.io/v1 Events.</summary>
    public static IResourceClient<Eventsv1Event> Events(this IKubernetes client) => client.Resource<Eventsv1Event>(ResourceType.Events);

    public static IResourceClient<V1CronJob> CronJobs(this IKubernetes client) => client.Resource<V1CronJob>(ResourceType.CronJobs);

    public static IResourceClient<V1Lease> Leases(this IKubernetes client) => client.Resource<V1Lease>(ResourceType.Leases);

    public static IResourceClient<V1CustomResourceDefinition> CustomResourceDefinitions(this IKubernetes client) =>
        client.Resource<V1CustomResourceDefinition>(ResourceType.CustomResourceDefinitions);
}
