using Bastio.Crds;
using k8s;
using k8s.Models;

namespace Bastio.Gateway.Configuration;

/// <summary>The cluster objects a snapshot is built from (read-only views of the informer caches).</summary>
internal sealed record ConfigurationObjects(
    IReadOnlyList<ApiKey> ApiKeys,
    IReadOnlyList<Proxy> Proxies,
    IReadOnlyList<ProviderKey> ProviderKeys,
    IReadOnlyList<V1Secret> SystemSecrets);
