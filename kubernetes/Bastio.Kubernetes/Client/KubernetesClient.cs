using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization.Metadata;
using Bastio.Kubernetes.Configuration;
using Bastio.Kubernetes.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Client;

/// <summary>
/// An API server client over one pooled HTTPS connection set. Thread-safe; create one per process and
/// share it. Resource clients it hands out are cheap and share its rate limit.
/// </summary>
public sealed class KubernetesClient : IKubernetesClient, IDisposable
{
    private readonly ApiConnection _connection;

    public KubernetesClient(
        KubernetesClientConfiguration configuration,
        KubernetesClientOptions? options = null,
        ILogger<KubernetesClient>? logger = null,
        TimeProvider? timeProvider = null)
        : this(configuration, options, CreateHandler(configuration), logger, timeProvider)
    {
    }

    internal KubernetesClient(
        KubernetesClientConfiguration configuration,
        KubernetesClientOptions? options,
        HttpMessageHandler handler,
        ILogger? logger,
        TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new KubernetesClientOptions();
        timeProvider ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        var tokens = TokenProvider.Create(configuration.Token, configuration.TokenFile, options.TokenFileRefreshInterval, timeProvider, logger);
        _connection = new ApiConnection(configuration.Server, handler, tokens, options, timeProvider, logger);
    }

    public Uri Server => _connection.Server;

    public IResourceClient<T> Resource<T>(ResourceType type, JsonTypeInfo<T> typeInfo, JsonTypeInfo<KubernetesList<T>> listTypeInfo)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(listTypeInfo);
        return new ResourceClient<T>(_connection, type, typeInfo, listTypeInfo);
    }

    public void Dispose() => _connection.Dispose();

    internal static SocketsHttpHandler CreateHandler(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var handler = new SocketsHttpHandler
        {
            // Re-resolve the API server's address now and then (it may move behind a DNS name).
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = ServerCertificateValidator(configuration);
        if (configuration.ClientCertificate is { } certificate)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        return handler;
    }

    private static RemoteCertificateValidationCallback ServerCertificateValidator(KubernetesClientConfiguration configuration)
    {
        if (configuration.SkipTlsVerify)
        {
            return (_, _, _, _) => true;
        }

        var authorities = configuration.CertificateAuthorities is { Count: > 0 } pinned ? pinned : null;
        var serverName = configuration.TlsServerName;
        return (_, certificate, chain, errors) =>
        {
            if (certificate is null)
            {
                return false;
            }

            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (serverName is not null)
            {
                // SocketsHttpHandler always checks the URL's host; tls-server-name names the host to check instead.
                if (!leaf.MatchesHostname(serverName))
                {
                    return false;
                }

                errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
            }

            if (authorities is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return errors == SslPolicyErrors.None;
            }

            // The chain is judged again against the configured CA only, never the system store.
            using var pinnedChain = new X509Chain();
            pinnedChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            pinnedChain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            pinnedChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    pinnedChain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            return pinnedChain.Build(leaf);
        };
    }
}
