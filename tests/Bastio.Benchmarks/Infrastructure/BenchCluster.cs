using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.TestCluster;
using Bastio.Operator.Cluster;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.ProviderKeys;

namespace Bastio.Benchmarks.Infrastructure;

/// <summary>
/// An in-process test cluster with the product's CRDs, and writers that lay objects out exactly as the
/// operator does (<see cref="WellKnown"/> names and labels, verifiers sealed with the KEK ring), so
/// gateway scenarios do not depend on the operator's reconcile speed.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string Namespace = "bench";
    public const string SystemNamespace = "bastio-system";

    /// <summary>Concurrent API requests while loading keys: enough to keep both cores busy, few enough not to starve the rest.</summary>
    private const int LoadParallelism = 16;

    private bool _ringWritten;

    private BenchCluster(TestClusterServer server, IKubernetes client)
    {
        Server = server;
        Client = client;
        var clients = new ResourceClients(client);
        ApiKeys = clients.ApiKeys;
        Proxies = clients.Proxies;
        ProviderKeys = clients.ProviderKeys;
        Secrets = clients.Secrets;
    }

    public TestClusterServer Server { get; }

    public IKubernetes Client { get; }

    public IResourceClient<ApiKey> ApiKeys { get; }

    public IResourceClient<Proxy> Proxies { get; }

    public IResourceClient<ProviderKey> ProviderKeys { get; }

    public IResourceClient<V1Secret> Secrets { get; }

    public EncryptionKeyRing Ring { get; } = EncryptionKeyRing.CreateNew();

    public static async Task<BenchCluster> StartAsync(string repositoryRoot)
    {
        var options = new TestClusterOptions { CrdDirectory = Path.Combine(repositoryRoot, "crds") };
        options.Namespaces.Add(Namespace);
        options.Namespaces.Add(SystemNamespace);
        var server = await TestClusterServer.StartAsync(options).ConfigureAwait(false);
        // The loader is harness, not product: without the client-side limit 10,000 keys load in seconds, not 10 minutes.
        var loader = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(server.KubeconfigYaml), new KubernetesClientOptions { Qps = 0 });
        return new BenchCluster(server, loader);
    }

    /// <summary>The KEK Secret (with the first Proxy), a Proxy to <paramref name="upstream"/> and its provider key's encrypted copy.</summary>
    public async Task CreateProxyAsync(string name, Uri upstream, string providerSecret)
    {
        if (!_ringWritten)
        {
            await Secrets.CreateAsync(EncryptionKeyReconciler.NewKeySecret(Ring, SystemNamespace)).ConfigureAwait(false);
            _ringWritten = true;
        }

        await Proxies.CreateAsync(new Proxy
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
            Spec = new ProxySpec { Provider = "openai", Upstream = upstream.ToString().TrimEnd('/') },
        }).ConfigureAwait(false);

        var providerKeyName = name + "-pk";
        var providerKey = await ProviderKeys.CreateAsync(new ProviderKey
        {
            Metadata = new V1ObjectMeta { Name = providerKeyName, NamespaceProperty = Namespace },
            Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = name }, SecretRef = new SecretKeyReference { Name = providerKeyName + "-source" } },
        }).ConfigureAwait(false);
        await Secrets.CreateAsync(ProviderKeyReconciler.CopySecret(providerKey, providerSecret, Ring, SystemNamespace)).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="count"/> ApiKeys on <paramref name="proxy"/>, each with its verifier Secret and an
    /// Active status, as the operator leaves them. Returns the plaintext client keys in name order
    /// (key-00000, key-00001, ... with the default <paramref name="namePrefix"/>): the benchmark plays the application holding them.
    /// </summary>
    public async Task<IReadOnlyList<IssuedKey>> CreateApiKeysAsync(string proxy, int count, CancellationToken cancellationToken = default, string namePrefix = "key")
    {
        var issued = new IssuedKey[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = LoadParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = $"{namePrefix}-{i:D5}";
            var apiKey = await ApiKeys.CreateAsync(new ApiKey
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
                Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = proxy } },
            }, cancellationToken: ct).ConfigureAwait(false);
            var keyId = ClientKey.NewKeyId();
            var key = ClientKey.Generate(KeyEnvironment.Live, keyId);
            var stored = new StoredKey(keyId, 1, ClientKeyVerifier.Compute(key), null, [], ServedRotationRequest: null);
            await Secrets.CreateAsync(VerifierSecretCodec.ToSecret(apiKey, stored, Ring, SystemNamespace), cancellationToken: ct).ConfigureAwait(false);
            apiKey.Status = new ApiKeyStatus { Phase = "Active", KeyId = keyId, Version = 1 };
            await ApiKeys.ReplaceStatusAsync(apiKey, cancellationToken: ct).ConfigureAwait(false);
            issued[i] = new IssuedKey(name, keyId, key);
        }).ConfigureAwait(false);
        return issued;
    }

    /// <summary>A kubeconfig file for a gateway or operator process.</summary>
    public async Task<string> WriteKubeconfigAsync(string directory)
    {
        var path = Path.Combine(directory, $"kubeconfig-{Guid.NewGuid():N}.yaml");
        await Server.WriteKubeconfigAsync(path).ConfigureAwait(false);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A client key as an application holds it. <see cref="ToString"/> never shows the key.</summary>
internal sealed record IssuedKey(string Name, string KeyId, string Key)
{
    public override string ToString() => $"{Name} ({KeyId})";
}
