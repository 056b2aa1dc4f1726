using Bastio.Kubernetes.Client;

namespace Bastio.Crds;

/// <summary>Typed clients for the bastio.io kinds, as <see cref="KubernetesClientExtensions"/> has for built-in ones.</summary>
public static class BastioClientExtensions
{
    public static IResourceClient<ApiKey> ApiKeys(this IKubernetesClient client) =>
        Checked(client).Resource(BastioResources.ApiKeys, BastioJsonContext.Default.ApiKey, BastioJsonContext.Default.KubernetesListApiKey);

    public static IResourceClient<ProviderKey> ProviderKeys(this IKubernetesClient client) =>
        Checked(client).Resource(BastioResources.ProviderKeys, BastioJsonContext.Default.ProviderKey, BastioJsonContext.Default.KubernetesListProviderKey);

    public static IResourceClient<Proxy> Proxies(this IKubernetesClient client) =>
        Checked(client).Resource(BastioResources.Proxies, BastioJsonContext.Default.Proxy, BastioJsonContext.Default.KubernetesListProxy);

    private static IKubernetesClient Checked(IKubernetesClient client) =>
        client ?? throw new ArgumentNullException(nameof(client));
}
