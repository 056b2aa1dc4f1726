using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;

namespace Bastio.Plugin.Kube;

/// <summary>
/// The resources the plugin works with, with Kubernetes errors turned into messages a user can act
/// on: an unknown name, the bastio.io CRDs not being installed, or RBAC refusing the request.
/// </summary>
public sealed class BastioCluster(IKubernetes client)
{
    public Uri Server => client.BaseUri;

    public IResourceClient<ApiKey> ApiKeys { get; } =
        client.ApiKeys();

    public IResourceClient<ProviderKey> ProviderKeys { get; } =
        client.ProviderKeys();

    public IResourceClient<Proxy> Proxies { get; } =
        client.Proxies();

    public IResourceClient<V1Secret> Secrets { get; } = client.Secrets();

    public IResourceClient<Eventsv1Event> Events { get; } = client.Events();

    /// <summary>Gets one object; a 404 becomes "not found" (exit 3) or "CRDs not installed" (exit 1), whichever it is.</summary>
    public async Task<T> GetAsync<T>(IResourceClient<T> resource, string ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return await resource.GetAsync(ns, name, cancellationToken);
        }
        catch (NotFoundException)
        {
            // The same 404 answers a missing object and a kind the server does not serve: a list tells them apart.
            await ListAsync(resource, ns, cancellationToken);
            throw CommandException.NotFound($"{resource.Type.Kind.ToLowerInvariant()} \"{name}\" not found in namespace \"{ns}\"");
        }
    }

    /// <summary>Lists a namespace (or all when <paramref name="ns"/> is null).</summary>
    public async Task<List<T>> ListAsync<T>(IResourceClient<T> resource, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return [.. (await resource.ListAllAsync(ns, cancellationToken: cancellationToken)).Items];
        }
        catch (NotFoundException) when (resource.Type.Group == BastioResources.Group)
        {
            throw new CommandException(
                ExitCodes.Error,
                $"the server does not serve {resource.Type.QualifiedName}: the Bastio CRDs are not installed in this cluster " +
                "(install them with `kubectl apply -f crds/` or the Helm chart)");
        }
    }
}
