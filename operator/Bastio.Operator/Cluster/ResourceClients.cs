using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Operator.Cluster;

/// <summary>Typed API clients for every kind the operator reads or writes.</summary>
internal sealed class ResourceClients(IKubernetes client)
{
    public IKubernetes Client { get; } = client;

    public IResourceClient<ApiKey> ApiKeys { get; } =
        client.ApiKeys();

    public IResourceClient<ProviderKey> ProviderKeys { get; } =
        client.ProviderKeys();

    public IResourceClient<Proxy> Proxies { get; } =
        client.Proxies();

    public IResourceClient<V1Secret> Secrets { get; } =
        client.Secrets();

    public IResourceClient<V1CronJob> CronJobs { get; } =
        client.CronJobs();
}
