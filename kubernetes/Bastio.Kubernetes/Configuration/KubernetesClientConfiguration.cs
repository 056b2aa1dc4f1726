using System.Security.Cryptography.X509Certificates;

namespace Bastio.Kubernetes.Configuration;

/// <summary>Where the API server is and how to authenticate to it, resolved from a kubeconfig or a pod's service account.</summary>
public sealed record KubernetesClientConfiguration
{
    public required Uri Server { get; init; }

    /// <summary>The context's namespace, or the pod's namespace in-cluster; null when the kubeconfig names none.</summary>
    public string? Namespace { get; init; }

    /// <summary>The kubeconfig context that was selected; null in-cluster.</summary>
    public string? ContextName { get; init; }

    /// <summary>The only roots the server's certificate may chain to; null trusts the system store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    public bool SkipTlsVerify { get; init; }

    /// <summary>Name expected in the server's certificate when it differs from the server's host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Client certificate with its private key, presented during the TLS handshake.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public string? Token { get; init; }

    /// <summary>A file holding the bearer token; re-read every minute and after a 401 so rotated tokens are picked up.</summary>
    public string? TokenFile { get; init; }

    /// <summary>
    /// Resolves the configuration the way kubectl does: <paramref name="kubeconfigPath"/> if given, else the
    /// <c>KUBECONFIG</c> files merged, else <c>~/.kube/config</c>, else the pod's service account.
    /// </summary>
    /// <exception cref="KubeconfigException">Nothing usable was found, or the selected entries are incomplete.</exception>
    public static KubernetesClientConfiguration Load(string? kubeconfigPath = null, string? context = null) =>
        KubeconfigLoader.Load(kubeconfigPath, context, ConfigurationEnvironment.Process);

    /// <summary>Reads one kubeconfig document; relative paths in it resolve against the current directory.</summary>
    public static KubernetesClientConfiguration FromKubeconfigYaml(string yaml, string? context = null) =>
        KubeconfigLoader.FromYaml(yaml, context);

    /// <summary>The pod's service account: <c>KUBERNETES_SERVICE_HOST/PORT</c> and the mounted token, CA and namespace.</summary>
    public static KubernetesClientConfiguration InCluster() => KubeconfigLoader.InCluster(ConfigurationEnvironment.Process);
}

/// <summary>The kubeconfig or service-account files are missing, malformed or incomplete.</summary>
public sealed class KubeconfigException : Exception
{
    public KubeconfigException(string message)
        : base(message)
    {
    }

    public KubeconfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KubeconfigException()
    {
    }
}

/// <summary>The process state the loader reads, replaceable so tests need not touch real environment variables.</summary>
internal sealed record ConfigurationEnvironment(Func<string, string?> GetVariable, string HomeDirectory, string ServiceAccountDirectory)
{
    public static ConfigurationEnvironment Process { get; } = new(
        Environment.GetEnvironmentVariable,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        "/var/run/secrets/kubernetes.io/serviceaccount");
}
