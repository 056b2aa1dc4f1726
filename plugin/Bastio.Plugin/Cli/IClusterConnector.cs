using Bastio.Plugin.Kube;

namespace Bastio.Plugin.Cli;

/// <summary>Opens the cluster named by <c>--kubeconfig</c> and <c>--context</c>.</summary>
public interface IClusterConnector
{
    /// <returns>The cluster and the context's default namespace (null when the context names none).</returns>
    (BastioCluster Cluster, string? ContextNamespace) Connect(string? kubeconfig, string? context);
}
