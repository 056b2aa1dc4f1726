using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Client;

/// <summary>Typed access to the built-in kinds without repeating their type infos.</summary>
public static class KubernetesClientExtensions
{
    public static IResourceClient<Namespace> Namespaces(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.Namespaces, KubernetesJsonContext.Default.Namespace, KubernetesJsonContext.Default.KubernetesListNamespace);

    public static IResourceClient<Secret> Secrets(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.Secrets, KubernetesJsonContext.Default.Secret, KubernetesJsonContext.Default.KubernetesListSecret);

    public static IResourceClient<ConfigMap> ConfigMaps(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.ConfigMaps, KubernetesJsonContext.Default.ConfigMap, KubernetesJsonContext.Default.KubernetesListConfigMap);

    public static IResourceClient<ServiceAccount> ServiceAccounts(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.ServiceAccounts, KubernetesJsonContext.Default.ServiceAccount, KubernetesJsonContext.Default.KubernetesListServiceAccount);

    public static IResourceClient<Event> Events(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.Events, KubernetesJsonContext.Default.Event, KubernetesJsonContext.Default.KubernetesListEvent);

    public static IResourceClient<CronJob> CronJobs(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.CronJobs, KubernetesJsonContext.Default.CronJob, KubernetesJsonContext.Default.KubernetesListCronJob);

    public static IResourceClient<Job> Jobs(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.Jobs, KubernetesJsonContext.Default.Job, KubernetesJsonContext.Default.KubernetesListJob);

    public static IResourceClient<Lease> Leases(this IKubernetesClient client) =>
        Checked(client).Resource(ResourceType.Leases, KubernetesJsonContext.Default.Lease, KubernetesJsonContext.Default.KubernetesListLease);

    public static IResourceClient<CustomResourceDefinition> CustomResourceDefinitions(this IKubernetesClient client) =>
        Checked(client).Resource(
            ResourceType.CustomResourceDefinitions,
            KubernetesJsonContext.Default.CustomResourceDefinition,
            KubernetesJsonContext.Default.KubernetesListCustomResourceDefinition);

    private static IKubernetesClient Checked(IKubernetesClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client;
    }
}
