using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Bastio.Kubernetes.Configuration;

internal static class KubeconfigLoader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    public static KubernetesClientConfiguration Load(string? path, string? context, ConfigurationEnvironment environment)
    {
        if (!string.IsNullOrEmpty(path))
        {
            if (!File.Exists(path))
            {
                throw new KubeconfigException($"kubeconfig '{path}' does not exist.");
            }

            return FromFiles([path], context);
        }

        // Like client-go, files named by KUBECONFIG that do not exist are skipped rather than fatal.
        var fromVariable = environment.GetVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(fromVariable))
        {
            var files = fromVariable
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (files.Count > 0)
            {
                return FromFiles(files, context);
            }
        }

        var home = Path.Combine(environment.HomeDirectory, ".kube", "config");
        if (File.Exists(home))
        {
            return FromFiles([home], context);
        }

        if (!string.IsNullOrEmpty(environment.GetVariable("KUBERNETES_SERVICE_HOST")))
        {
            if (context is not null)
            {
                throw new KubeconfigException($"Context \"{context}\" was requested but no kubeconfig was found (only in-cluster configuration is available).");
            }

            return InCluster(environment);
        }

        throw new KubeconfigException(
            "No Kubernetes configuration found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run inside a pod with a service account.");
    }

    public static KubernetesClientConfiguration FromYaml(string yaml, string? context)
    {
        var merged = new MergedKubeconfig();
        merged.Add(Parse(yaml, "kubeconfig"), Directory.GetCurrentDirectory());
        return merged.Build(context, "kubeconfig");
    }

    public static KubernetesClientConfiguration InCluster(ConfigurationEnvironment environment)
    {
        var host = environment.GetVariable("KUBERNETES_SERVICE_HOST");
        var port = environment.GetVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeconfigException("Not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set.");
        }

        var tokenFile = Path.Combine(environment.ServiceAccountDirectory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubeconfigException($"In-cluster configuration needs the service account token at '{tokenFile}', which does not exist.");
        }

        var caFile = Path.Combine(environment.ServiceAccountDirectory, "ca.crt");
        var namespaceFile = Path.Combine(environment.ServiceAccountDirectory, "namespace");
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        if (!Uri.TryCreate($"https://{hostPart}:{port}", UriKind.Absolute, out var server))
        {
            throw new KubeconfigException($"KUBERNETES_SERVICE_HOST '{host}' and KUBERNETES_SERVICE_PORT '{port}' do not form a valid address.");
        }

        return new KubernetesClientConfiguration
        {
            Server = server,
            TokenFile = tokenFile,
            CertificateAuthorities = File.Exists(caFile) ? ReadCertificates(File.ReadAllText(caFile), caFile) : null,
            Namespace = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "default",
        };
    }

    private static KubernetesClientConfiguration FromFiles(IReadOnlyList<string> files, string? context)
    {
        var merged = new MergedKubeconfig();
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            merged.Add(Parse(File.ReadAllText(full), full), Path.GetDirectoryName(full)!);
        }

        return merged.Build(context, string.Join(", ", files));
    }

    private static KubeconfigFile Parse(string yaml, string source)
    {
        try
        {
            return Deserializer.Deserialize<KubeconfigFile?>(yaml) ?? new KubeconfigFile();
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages locate the problem without quoting values, so no credential leaks here.
            throw new KubeconfigException($"{source} is not a valid kubeconfig: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection ReadCertificates(string pem, string source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new KubeconfigException($"{source} holds no valid PEM certificate: {e.Message}", e);
        }

        return certificates.Count > 0 ? certificates : throw new KubeconfigException($"{source} holds no PEM certificate.");
    }

    private static string DecodeBase64(string data, string source)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        catch (FormatException e)
        {
            throw new KubeconfigException($"{source} is not valid base64.", e);
        }
    }

    private static string ReadFile(string path, string source) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new KubeconfigException($"{source} '{path}' does not exist.");

    /// <summary>clientcmd's merge: the first file to define a name wins, and the first current-context wins.</summary>
    private sealed class MergedKubeconfig
    {
        private readonly Dictionary<string, KubeconfigCluster> _clusters = new(StringComparer.Ordinal);
        private readonly Dictionary<string, KubeconfigUser> _users = new(StringComparer.Ordinal);
        private readonly Dictionary<string, KubeconfigContext> _contexts = new(StringComparer.Ordinal);
        private string? _currentContext;

        public void Add(KubeconfigFile file, string directory)
        {
            if (string.IsNullOrEmpty(_currentContext))
            {
                _currentContext = file.CurrentContext;
            }

            foreach (var entry in file.Clusters ?? [])
            {
                if (entry.Name is not null && !_clusters.ContainsKey(entry.Name))
                {
                    var cluster = entry.Cluster ?? new KubeconfigCluster();
                    cluster.CertificateAuthority = Resolve(cluster.CertificateAuthority, directory);
                    _clusters.Add(entry.Name, cluster);
                }
            }

            foreach (var entry in file.Users ?? [])
            {
                if (entry.Name is not null && !_users.ContainsKey(entry.Name))
                {
                    var user = entry.User ?? new KubeconfigUser();
                    user.ClientCertificate = Resolve(user.ClientCertificate, directory);
                    user.ClientKey = Resolve(user.ClientKey, directory);
                    user.TokenFile = Resolve(user.TokenFile, directory);
                    _users.Add(entry.Name, user);
                }
            }

            foreach (var entry in file.Contexts ?? [])
            {
                if (entry.Name is not null)
                {
                    _contexts.TryAdd(entry.Name, entry.Context ?? new KubeconfigContext());
                }
            }
        }

        public KubernetesClientConfiguration Build(string? context, string source)
        {
            var contextName = string.IsNullOrEmpty(context) ? _currentContext : context;
            if (string.IsNullOrEmpty(contextName))
            {
                throw new KubeconfigException($"{source} sets no current-context; choose one with --context.");
            }

            if (!_contexts.TryGetValue(contextName, out var selected))
            {
                throw new KubeconfigException($"Context \"{contextName}\" not found in {source}.");
            }

            if (string.IsNullOrEmpty(selected.Cluster) || !_clusters.TryGetValue(selected.Cluster, out var cluster))
            {
                throw new KubeconfigException($"Cluster \"{selected.Cluster}\" of context \"{contextName}\" not found in {source}.");
            }

            KubeconfigUser? user = null;
            if (!string.IsNullOrEmpty(selected.User) && !_users.TryGetValue(selected.User, out user))
            {
                throw new KubeconfigException($"User \"{selected.User}\" of context \"{contextName}\" not found in {source}.");
            }

            return BuildUser(user, selected.User, BuildCluster(cluster, selected.Cluster)) with
            {
                ContextName = contextName,
                Namespace = string.IsNullOrEmpty(selected.Namespace) ? null : selected.Namespace,
            };
        }

        private static KubernetesClientConfiguration BuildCluster(KubeconfigCluster cluster, string name)
        {
            var where = $"cluster \"{name}\"";
            if (string.IsNullOrEmpty(cluster.Server))
            {
                throw new KubeconfigException($"The {where} has no server.");
            }

            if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
            {
                throw new KubeconfigException($"The server of {where}, '{cluster.Server}', is not an http(s) URL.");
            }

            X509Certificate2Collection? authorities = null;
            if (!string.IsNullOrEmpty(cluster.CertificateAuthorityData))
            {
                var source = $"certificate-authority-data of {where}";
                authorities = ReadCertificates(DecodeBase64(cluster.CertificateAuthorityData, source), source);
            }
            else if (!string.IsNullOrEmpty(cluster.CertificateAuthority))
            {
                var source = $"certificate-authority of {where}";
                authorities = ReadCertificates(ReadFile(cluster.CertificateAuthority, source), source);
            }

            // client-go refuses this combination too: a pinned CA that is then ignored is a misconfiguration.
            if (authorities is not null && cluster.InsecureSkipTlsVerify)
            {
                throw new KubeconfigException($"The {where} sets both a certificate authority and insecure-skip-tls-verify.");
            }

            return new KubernetesClientConfiguration
            {
                Server = server,
                CertificateAuthorities = authorities,
                SkipTlsVerify = cluster.InsecureSkipTlsVerify,
                TlsServerName = string.IsNullOrEmpty(cluster.TlsServerName) ? null : cluster.TlsServerName,
            };
        }

        private static KubernetesClientConfiguration BuildUser(KubeconfigUser? user, string? name, KubernetesClientConfiguration configuration)
        {
            if (user is null)
            {
                return configuration;
            }

            var where = $"user \"{name}\"";
            var certificate = LoadClientCertificate(user, where);
            var token = string.IsNullOrEmpty(user.Token) ? null : user.Token;
            var tokenFile = token is null && !string.IsNullOrEmpty(user.TokenFile) ? user.TokenFile : null;
            if (tokenFile is not null && !File.Exists(tokenFile))
            {
                throw new KubeconfigException($"The tokenFile of {where}, '{tokenFile}', does not exist.");
            }

            if (certificate is null && token is null && tokenFile is null)
            {
                if (user.Exec is not null || user.AuthProvider is not null)
                {
                    throw new KubeconfigException($"The {where} uses exec or auth-provider credentials, which this client does not support; use a token or a client certificate.");
                }

                if (!string.IsNullOrEmpty(user.Username))
                {
                    throw new KubeconfigException($"The {where} uses basic authentication, which Kubernetes no longer supports.");
                }
            }

            return configuration with { ClientCertificate = certificate, Token = token, TokenFile = tokenFile };
        }

        private static X509Certificate2? LoadClientCertificate(KubeconfigUser user, string where)
        {
            var certificatePem = !string.IsNullOrEmpty(user.ClientCertificateData)
                ? DecodeBase64(user.ClientCertificateData, $"client-certificate-data of {where}")
                : string.IsNullOrEmpty(user.ClientCertificate) ? null : ReadFile(user.ClientCertificate, $"client-certificate of {where}");
            var keyPem = !string.IsNullOrEmpty(user.ClientKeyData)
                ? DecodeBase64(user.ClientKeyData, $"client-key-data of {where}")
                : string.IsNullOrEmpty(user.ClientKey) ? null : ReadFile(user.ClientKey, $"client-key of {where}");
            if (certificatePem is null && keyPem is null)
            {
                return null;
            }

            if (certificatePem is null || keyPem is null)
            {
                throw new KubeconfigException($"The {where} needs both a client certificate and a client key.");
            }

            try
            {
                // Handles RSA and EC keys, PKCS#1, SEC1 and PKCS#8 alike.
                return X509Certificate2.CreateFromPem(certificatePem, keyPem);
            }
            catch (CryptographicException e)
            {
                throw new KubeconfigException($"The client certificate or key of {where} is not valid PEM: {e.Message}", e);
            }
        }

        private static string? Resolve(string? path, string directory) =>
            string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));
    }
}
