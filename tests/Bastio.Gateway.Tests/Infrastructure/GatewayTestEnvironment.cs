using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Gateway.Hosting;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.TestCluster;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.ProviderKeys;
using Bastio.Operator.Hosting;
using Bastio.Operator.ManagedObjects;
using Bastio.StubUpstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace Bastio.Gateway.Tests.Infrastructure;

/// <summary>
/// A test cluster with the CRDs, a stub provider and a gateway watching the cluster, all on loopback.
/// Objects are written the way the operator writes them (layout of <see cref="WellKnown"/>, encrypted
/// with the KEK ring), so the gateway is tested against the operator contract. The stub speaks HTTPS
/// with a CA made for the test, which the gateway trusts through <c>--upstream-ca-file</c> as it would a
/// private CA, and the gateway may connect to loopback only at the stub's address (<c>--upstream-allow-cidrs</c>).
/// </summary>
internal sealed class GatewayTestEnvironment : IAsyncDisposable
{
    public const string Namespace = "team-a";
    public const string SystemNamespace = "bastio-system";
    public const string ProviderSecret = "sk-provider-0123456789abcdefghij";

    /// <summary>What <c>--upstream-allow-cidrs</c> allows here: the stub's loopback address, nothing else.</summary>
    public const string StubAddressCidr = "127.0.0.1/32";

    private readonly List<GatewayHost> _replicas = [];
    private Action<GatewayOptions>? _configure;
    private Action<IServiceCollection>? _configureServices;
    private OperatorHost? _operator;
    private ILoggerFactory? _operatorLogs;

    private GatewayTestEnvironment(TestClusterServer cluster, IKubernetes client, StubUpstreamServer stub)
    {
        Cluster = cluster;
        Client = client;
        Stub = stub;
        var caFile = Path.Combine(Path.GetTempPath(), $"bastio-gateway-test-ca-{Guid.NewGuid():N}.pem");
        stub.CertificateAuthority!.WriteCertificatePem(caFile);
        UpstreamTrust = UpstreamTrust.Load(caFile);
        File.Delete(caFile);
        var clients = new ResourceClients(client);
        ApiKeys = clients.ApiKeys;
        Proxies = clients.Proxies;
        ProviderKeys = clients.ProviderKeys;
        Secrets = clients.Secrets;
    }

    public TestClusterServer Cluster { get; }

    public IKubernetes Client { get; }

    public StubUpstreamServer Stub { get; }

    /// <summary>The system store plus the stub's CA, as <c>--upstream-ca-file</c> gives it to gateways and the operator here.</summary>
    public UpstreamTrust UpstreamTrust { get; }

    public GatewayHost Gateway { get; private set; } = null!;

    public IResourceClient<ApiKey> ApiKeys { get; }

    public IResourceClient<Proxy> Proxies { get; }

    public IResourceClient<ProviderKey> ProviderKeys { get; }

    public IResourceClient<V1Secret> Secrets { get; }

    public EncryptionKeyRing Ring { get; } = EncryptionKeyRing.CreateNew();

    public CapturingLoggerProvider Logs { get; } = new();

    public SynchronizedStringWriter AccessLog { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Base URL for SDKs: the gateway's <c>/v1</c>.</summary>
    public Uri BaseUrl => new(Gateway.Url, "v1");

    /// <summary>Starts the environment; <paramref name="configureServices"/> runs after the environment's own gateway services, so it may replace them.</summary>
    public static async Task<GatewayTestEnvironment> StartAsync(Action<GatewayOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var clusterOptions = new TestClusterOptions { CrdDirectory = Path.Combine(RepositoryRoot(), "crds"), BookmarkInterval = TimeSpan.FromSeconds(1) };
        clusterOptions.Namespaces.Add(Namespace);
        clusterOptions.Namespaces.Add(SystemNamespace);
        var cluster = await TestClusterServer.StartAsync(clusterOptions);
        var client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(cluster.KubeconfigYaml));
        var stub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions { ValidApiKeys = new HashSet<string> { ProviderSecret } });
        var environment = new GatewayTestEnvironment(cluster, client, stub);
        await environment.Secrets.CreateAsync(EncryptionKeyReconciler.NewKeySecret(environment.Ring, SystemNamespace));

        environment._configure = configure;
        environment._configureServices = configureServices;
        environment.Gateway = await environment.StartGatewayAsync("gateway-0");
        // UTF-8 header encoding lets tests send the non-ASCII credentials a hostile client would.
        environment.Http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = environment.Gateway.Url };
        return environment;
    }

    /// <summary>Another gateway replica watching the same cluster (stopped with the environment).</summary>
    public async Task<GatewayHost> StartReplicaAsync(string replicaName)
    {
        var replica = await StartGatewayAsync(replicaName);
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>Stops a replica started with <see cref="StartReplicaAsync"/> (as a pod that is shut down).</summary>
    public async Task StopReplicaAsync(GatewayHost replica)
    {
        _replicas.Remove(replica);
        await replica.DisposeAsync();
    }

    /// <summary>The real operator, in-process against the same cluster (stopped with the environment).</summary>
    public async Task<OperatorHost> StartOperatorAsync(Action<OperatorOptions>? configure = null)
    {
        var options = new OperatorOptions
        {
            SystemNamespace = SystemNamespace,
            AdminAddress = "127.0.0.1",
            AdminPort = 0,
            RotatorImage = "bastio/operator:test",
            RotatorServiceAccount = "bastio-rotator",
            UpstreamAddresses = UpstreamAddressPolicy.Create([StubAddressCidr]),
            UpstreamTrust = UpstreamTrust,
        };
        configure?.Invoke(options);
        var client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(Cluster.KubeconfigYaml));
        _operatorLogs = LoggerFactory.Create(logging => logging.AddProvider(Logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        _operator = new OperatorHost(client, options, _operatorLogs, TextWriter.Null, meterName: $"Bastio.Operator.Tests.{Guid.NewGuid():N}");
        await _operator.StartAsync(CancellationToken.None);
        await _operator.Readiness.WaitUntilReadyAsync();
        return _operator;
    }

    private async Task<GatewayHost> StartGatewayAsync(string replicaName)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-gateway-test-{Guid.NewGuid():N}.yaml");
        await Cluster.WriteKubeconfigAsync(kubeconfig);
        var options = new GatewayOptions
        {
            Kubeconfig = kubeconfig,
            SystemNamespace = SystemNamespace,
            Address = "127.0.0.1",
            Port = 0,
            AdminPort = 0,
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Debug,
            ReplicaName = replicaName,
            UpstreamAddresses = UpstreamAddressPolicy.Create([StubAddressCidr]),
            UpstreamTrust = UpstreamTrust,
        };
        _configure?.Invoke(options);
        var gateway = await GatewayHost.StartAsync(options, services =>
        {
            services.AddKeyedSingleton<TextWriter>(GatewayServiceKeys.AccessLog, AccessLog);
            services.AddSingleton<ILoggerProvider>(Logs);
            services.AddKeyedSingleton(GatewayServiceKeys.MeterName, $"Bastio.Gateway.Tests.{Guid.NewGuid():N}");
            services.AddSingleton(new InformerOptions { MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(500), WatchdogTimeout = TimeSpan.FromSeconds(10) });
            _configureServices?.Invoke(services);
        });
        await gateway.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromSeconds(30));
        File.Delete(kubeconfig);
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_operator is not null)
        {
            await _operator.StopAsync(CancellationToken.None);
            await _operator.DisposeAsync();
            _operatorLogs?.Dispose();
        }

        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Stub.DisposeAsync();
        Client.Dispose();
        await Cluster.DisposeAsync();
    }

    public OpenAIClient OpenAI(string apiKey) =>
        new(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = BaseUrl, RetryPolicy = new ClientRetryPolicy(0) });

    /// <summary>A Proxy to the stub with one usable provider key (its encrypted copy written as the operator does).</summary>
    public async Task<Proxy> CreateProxyAsync(string name, Action<ProxySpec>? configure = null, string provider = "openai", bool withProviderKey = true)
    {
        var spec = new ProxySpec { Provider = provider, Upstream = Stub.BaseUrl.ToString() };
        configure?.Invoke(spec);
        var proxy = await Proxies.CreateAsync(new Proxy { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace }, Spec = spec });
        if (withProviderKey)
        {
            await CreateProviderKeyAsync(name + "-pk", name, ProviderSecret);
        }

        return proxy;
    }

    public async Task<ProviderKey> CreateProviderKeyAsync(string name, string proxy, string secret, Action<ProviderKey>? configure = null)
    {
        var providerKey = new ProviderKey
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
            Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = proxy }, SecretRef = new SecretKeyReference { Name = name + "-source" } },
        };
        configure?.Invoke(providerKey);
        var created = await ProviderKeys.CreateAsync(providerKey);
        if (providerKey.Status is { } status)
        {
            created.Status = status;
            created = await ProviderKeys.ReplaceStatusAsync(created);
        }

        await Secrets.CreateAsync(ProviderKeyReconciler.CopySecret(created, secret, Ring, SystemNamespace));
        return created;
    }

    /// <summary>An ApiKey with its verifier Secret; returns the client key and waits until the gateway accepts it.</summary>
    public async Task<(ApiKey ApiKey, string Key)> CreateApiKeyAsync(string name, string proxy, Action<ApiKeySpec>? configure = null, KeyEnvironment environment = KeyEnvironment.Live, bool waitUntilServed = true)
    {
        var spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = proxy } };
        configure?.Invoke(spec);
        var apiKey = await ApiKeys.CreateAsync(new ApiKey { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace }, Spec = spec });
        var keyId = ClientKey.NewKeyId();
        var key = ClientKey.Generate(environment, keyId);
        await WriteVerifiersAsync(apiKey, keyId, current: key);
        apiKey.Status = new ApiKeyStatus { Phase = "Active", KeyId = keyId, Version = 1 };
        apiKey = await ApiKeys.ReplaceStatusAsync(apiKey);
        if (waitUntilServed)
        {
            await Eventually.UntilAsync(() => Task.FromResult(Gateway.Snapshots.Current?.TryGetKey(keyId, out _) == true), $"the gateway serves {name}");
        }

        return (apiKey, key);
    }

    /// <summary>Writes (creates or replaces) the verifier Secret of <paramref name="apiKey"/> as the operator would.</summary>
    public async Task WriteVerifiersAsync(ApiKey apiKey, string keyId, string? current, string? pending = null, string? previous = null, DateTimeOffset? previousExpiresAt = null)
    {
        static byte[]? Verifier(string? key) => key is null ? null : ClientKeyVerifier.Compute(key);
        var stored = new StoredKey(keyId, 1, Verifier(current), Verifier(pending), previous is null ? [] : [new(Verifier(previous)!, previousExpiresAt)], ServedRotationRequest: null);
        var existing = await Secrets.TryGetAsync(SystemNamespace, ManagedObjectNames.VerifierSecret(Namespace, apiKey.Metadata.Name!));
        var secret = VerifierSecretCodec.ToSecret(apiKey, stored, Ring, SystemNamespace, existing);
        if (existing is null)
        {
            await Secrets.CreateAsync(secret);
        }
        else
        {
            await Secrets.ReplaceAsync(secret);
        }
    }

    /// <summary>Merge-patches an ApiKey's spec (what <c>kubectl patch</c> does).</summary>
    public Task<ApiKey> PatchApiKeyAsync(string name, string specJson) =>
        ApiKeys.PatchAsync(Namespace, name, PatchType.Merge, $$"""{"spec": {{specJson}}}""");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = null, string? json = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> ChatAsync(string? key, string model = "gpt-4o-mini", Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Post, "/v1/chat/completions", key, $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", configure);

    /// <summary>The <c>error</c> object of a gateway error answer.</summary>
    public static async Task<System.Text.Json.JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Bastio.K8s.sln not found above the test binaries.");
    }
}
