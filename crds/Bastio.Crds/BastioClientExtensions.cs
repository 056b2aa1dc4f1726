using Bastio.Kubernetes.Api;
using k8s;

namespace Bastio.Crds;

/// <summary>Typed clients for the bastio.io kinds, as <see cref="KubernetesResources"/> has for built-in ones.</summary>
public static class BastioClientExtensions
{
    public static IResourceClient<ApiKey> ApiKeys(this IKubernetes client) => client.Resource<ApiKey>(BastioResources.ApiKeys);

    public static IResourceClient<ProviderKey> ProviderKeys(this IKubernetes client) => client.Resource<ProviderKey>(BastioResources.ProviderKeys);

    public static IResourceClient<Proxy> Proxies(this IKubernetes client) => client.Resource<Proxy>(BastioResources.Proxies);
}
