using Bastio.Crds;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Operator.Cluster;

/// <summary>Typed API clients for every kind the operator reads or writes.</summary>
internal sealed class ResourceClients(IKubernetesClient client)
{
    public IKubernetesClient Client { get; } = client;

    public IResourceClient<ApiKey> ApiKeys { get; } =
        client.ApiKeys();

    public IResourceClient<ProviderKey> ProviderKeys { get; } =
        client.ProviderKeys();

    public IResourceClient<Proxy> Proxies { get; } =
        client.Proxies();

    public IResourceClient<Secret> Secrets { get; } =
        client.Secrets();

    public IResourceClient<CronJob> CronJobs { get; } =
        client.CronJobs();
}
