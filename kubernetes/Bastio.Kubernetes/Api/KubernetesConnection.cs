using System.Text;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// Builds the official client the product uses: the official kubeconfig and in-cluster loading (exec and
/// auth-provider credentials, token refresh), plus what it lacks — client-side QPS/burst and 429 retries —
/// as handlers in its pipeline.
/// </summary>
public static class KubernetesConnection
{
    /// <summary>One client per process: thread-safe, pooled connections, one shared rate limit.</summary>
    public static IKubernetes CreateClient(
        KubernetesClientConfiguration configuration,
        KubernetesClientOptions? options = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new KubernetesClientOptions();
        timeProvider ??= TimeProvider.System;
        configuration.HttpClientTimeout = options.RequestTimeout;
        configuration.UserAgent ??= options.UserAgent;
        return new k8s.Kubernetes(
            configuration,
            new RetryAfterHandler(options, timeProvider, logger ?? NullLogger.Instance),
            new RateLimitHandler(new TokenBucketRateLimiter(options.Qps, options.Burst, timeProvider)));
    }

    /// <summary>
    /// Resolves the configuration the way kubectl does: <paramref name="kubeconfigPath"/> if given, else the
    /// <c>KUBECONFIG</c> files merged, else <c>~/.kube/config</c>, else the pod's service account.
    /// <paramref name="context"/> overrides the kubeconfig's current context.
    /// </summary>
    /// <exception cref="KubeConfigException">Nothing usable was found, or the selected entries are incomplete.</exception>
    public static KubernetesClientConfiguration LoadConfiguration(string? kubeconfigPath = null, string? context = null)
    {
        if (kubeconfigPath is not null)
        {
            return File.Exists(kubeconfigPath)
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context)
                : throw new KubeConfigException($"kubeconfig '{kubeconfigPath}' does not exist.");
        }

        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } files)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(Merge(files), context);
        }

        if (File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation))
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(KubernetesClientConfiguration.KubeConfigDefaultLocation, context);
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : throw new KubeConfigException("No kubeconfig found: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config (or run in a pod).");
    }

    // kubectl's merge of the KUBECONFIG list: the first file to name a cluster, user, context or the
    // current context wins.
    private static K8SConfiguration Merge(string files)
    {
        var merged = new K8SConfiguration { Clusters = [], Users = [], Contexts = [] };
        foreach (var file in files.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists))
        {
            var config = KubernetesClientConfiguration.LoadKubeConfig(file);
            merged.CurrentContext ??= config.CurrentContext;
            merged.Clusters = [.. merged.Clusters, .. (config.Clusters ?? []).Where(c => merged.Clusters.All(m => m.Name != c.Name))];
            merged.Users = [.. merged.Users, .. (config.Users ?? []).Where(u => merged.Users.All(m => m.Name != u.Name))];
            merged.Contexts = [.. merged.Contexts, .. (config.Contexts ?? []).Where(c => merged.Contexts.All(m => m.Name != c.Name))];
        }

        return merged;
    }

    /// <summary>Reads one kubeconfig document.</summary>
    public static KubernetesClientConfiguration FromKubeconfigYaml(string yaml, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(yaml));
        return KubernetesClientConfiguration.BuildConfigFromConfigFile(stream, context);
    }
}
