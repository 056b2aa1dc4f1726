using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Configuration;
using Bastio.Plugin.Cli;

namespace Bastio.Plugin.Kube;

/// <summary>Connects through the kubeconfig, resolved the way kubectl resolves it.</summary>
public sealed class KubeconfigConnector : IClusterConnector
{
    public (BastioCluster Cluster, string? ContextNamespace) Connect(string? kubeconfig, string? context)
    {
        var configuration = KubernetesClientConfiguration.Load(kubeconfig, context);
        var client = new KubernetesClient(configuration, new KubernetesClientOptions { UserAgent = "kubectl-bastio/1.0", MaxReadRetries = 1 });
        return (new BastioCluster(client), configuration.Namespace);
    }
}
