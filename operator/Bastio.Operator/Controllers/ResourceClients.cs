using Bastio.Crds;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Operator.Controllers;

/// <summary>Typed API clients for every kind the operator reads or writes.</summary>
internal sealed class ResourceClients(IKubernetesClient client)
{
    public IKubernetesClient Client { get; } = client;

    public IResourceClient<ApiKey> ApiKeys { get; } =
        client.Resource(BastioResources.ApiKeys, BastioJsonContext.Default.ApiKey, BastioJsonContext.Default.KubernetesListApiKey);

    public IResourceClient<ProviderKey> ProviderKeys { get; } =
        client.Resource(BastioResources.ProviderKeys, BastioJsonContext.Default.ProviderKey, BastioJsonContext.Default.KubernetesListProviderKey);

    public IResourceClient<Proxy> Proxies { get; } =
        client.Resource(BastioResources.Proxies, BastioJsonContext.Default.Proxy, BastioJsonContext.Default.KubernetesListProxy);

    public IResourceClient<Secret> Secrets { get; } =
        client.Resource(ResourceType.Secrets, KubernetesJsonContext.Default.Secret, KubernetesJsonContext.Default.KubernetesListSecret);

    public IResourceClient<CronJob> CronJobs { get; } =
        client.Resource(ResourceType.CronJobs, KubernetesJsonContext.Default.CronJob, KubernetesJsonContext.Default.KubernetesListCronJob);
}
