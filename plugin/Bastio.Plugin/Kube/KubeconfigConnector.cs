using Bastio.Kubernetes.Api;
using Bastio.Plugin.Cli;

namespace Bastio.Plugin.Kube;

/// <summary>Connects through the kubeconfig, resolved the way kubectl resolves it.</summary>
public sealed class KubeconfigConnector : IClusterConnector
{
    public (BastioCluster Cluster, string? ContextNamespace) Connect(string? kubeconfig, string? context)
    {
        var configuration = KubernetesConnection.LoadConfiguration(kubeconfig, context);
        var client = KubernetesConnection.CreateClient(configuration, new KubernetesClientOptions { UserAgent = "kubectl-bastio/1.0", MaxReadRetries = 1 });
        return (new BastioCluster(client), configuration.Namespace);
    }
}
