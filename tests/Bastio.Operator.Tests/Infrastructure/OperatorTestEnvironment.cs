using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.TestCluster;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Hosting;
using Bastio.Operator.ManagedObjects;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>
/// A test cluster with the product's CRDs and an operator running in-process against it, plus helpers
/// that read what the operator wrote the way the gateway would.
/// </summary>
internal sealed class OperatorTestEnvironment : IAsyncDisposable
{
    public const string Namespace = "team-a";
    public const string SystemNamespace = "bastio-system";

    /// <summary>The address policy the tests run with: the default plus 127.0.0.1, where the stub providers listen.</summary>
    public static readonly UpstreamAddressPolicy LoopbackAllowed = UpstreamAddressPolicy.Create(["127.0.0.1/32"]);

    private static readonly UpstreamTrust TestUpstreamTrust = UpstreamTrust.Load(TestCertificateAuthority.Shared.PemPath);

    private readonly List<(OperatorHost Host, ILoggerFactory Logs)> _operators = [];

    private OperatorTestEnvironment(TestClusterServer cluster, IKubernetes client)
    {
        Cluster = cluster;
        Client = client;
        Api = new ResourceClients(client);
    }

    public TestClusterServer Cluster { get; }

    public IKubernetes Client { get; }

    public ResourceClients Api { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public SynchronizedStringWriter Audit { get; } = new();

    public OperatorHost Operator => _operators[0].Host;

    public static async Task<OperatorTestEnvironment> StartAsync(Action<OperatorOptions>? configure = null, bool startOperator = true)
    {
        var options = new TestClusterOptions { CrdDirectory = Path.Combine(RepositoryRoot(), "crds") };
        options.Namespaces.Add(Namespace);
        options.Namespaces.Add(SystemNamespace);
        var cluster = await TestClusterServer.StartAsync(options);
        var client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(cluster.KubeconfigYaml));
        var environment = new OperatorTestEnvironment(cluster, client);
        if (startOperator)
        {
            await environment.StartOperatorAsync(configure);
        }

        return environment;
    }

    public OperatorOptions NewOptions(Action<OperatorOptions>? configure = null)
    {
        var options = new OperatorOptions
        {
            SystemNamespace = SystemNamespace,
            AdminAddress = "127.0.0.1",
            AdminPort = 0,
            RotatorImage = "bastio/operator:test",
            RotatorServiceAccount = "bastio-rotator",

            // Every stub provider is HTTPS on loopback: trusted through the test CA, reachable through an allowance.
            UpstreamTrust = TestUpstreamTrust,
            UpstreamAddresses = LoopbackAllowed,
        };
        configure?.Invoke(options);
        return options;
    }

    public async Task<OperatorHost> StartOperatorAsync(Action<OperatorOptions>? configure = null, IKubernetes? client = null)
    {
        var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        client ??= KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(Cluster.KubeconfigYaml));
        var host = new OperatorHost(client, NewOptions(configure), loggerFactory, Audit, meterName: $"Bastio.Operator.Tests.{Guid.NewGuid():N}");
        _operators.Add((host, loggerFactory));
        await host.StartAsync(CancellationToken.None);
        await host.Readiness.WaitUntilReadyAsync();
        return host;
    }

    public async Task StopOperatorAsync(OperatorHost host)
    {
        await host.StopAsync(CancellationToken.None);
        await host.DisposeAsync();
        _operators.RemoveAll(o => o.Host == host);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (host, logs) in _operators.ToList())
        {
            await host.StopAsync(CancellationToken.None);
            await host.DisposeAsync();
            logs.Dispose();
        }

        Client.Dispose();
        await Cluster.DisposeAsync();
    }

    public Task<Proxy> CreateProxyAsync(string name = "openai", string upstream = "https://api.openai.com/v1", string provider = "openai", Action<ProxySpec>? configure = null)
    {
        var proxy = new Proxy
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "Proxy",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
            Spec = new ProxySpec { Provider = provider, Upstream = upstream },
        };
        configure?.Invoke(proxy.Spec);
        return Api.Proxies.CreateAsync(proxy);
    }

    public Task<ApiKey> CreateApiKeyAsync(string name, Action<ApiKeySpec>? configure = null, string proxy = "openai")
    {
        var apiKey = new ApiKey
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "ApiKey",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
            Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = proxy }, Permissions = ["chat"] },
        };
        configure?.Invoke(apiKey.Spec);
        return Api.ApiKeys.CreateAsync(apiKey);
    }

    /// <summary>Re-reads and changes an ApiKey's spec or metadata, retrying on conflicts.</summary>
    public async Task<ApiKey> UpdateApiKeyAsync(string name, Action<ApiKey> change)
    {
        while (true)
        {
            var apiKey = await Api.ApiKeys.GetAsync(Namespace, name);
            change(apiKey);
            try
            {
                return await Api.ApiKeys.ReplaceAsync(apiKey);
            }
            catch (ConflictException)
            {
            }
        }
    }

    public Task<ApiKey> WaitForApiKeyAsync(string name, Func<ApiKey, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(async () => await Api.ApiKeys.TryGetAsync(Namespace, name) is { } apiKey && condition(apiKey) ? apiKey : null, $"ApiKey {name} {what}", timeout);

    /// <summary>The plaintext key in the delivery Secret, or null.</summary>
    public async Task<string?> DeliveredKeyAsync(string secretName) =>
        (await Api.Secrets.TryGetAsync(Namespace, secretName))?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey) is { } bytes
            ? Encoding.UTF8.GetString(bytes)
            : null;

    public async Task<EncryptionKeyRing> KeyRingAsync() =>
        EncryptionKeyRing.FromSecretData((await Api.Secrets.GetAsync(SystemNamespace, WellKnown.EncryptionKeySecret.Name)).Data!.AsReadOnly());

    /// <summary>The decrypted verifier Secret of an ApiKey, or null when there is none.</summary>
    public async Task<StoredKey?> StoredKeyAsync(ApiKey apiKey)
    {
        var secret = await Api.Secrets.TryGetAsync(SystemNamespace, ManagedObjectNames.VerifierSecret(Namespace, apiKey.Metadata.Name!));
        return secret is null ? null : VerifierSecretCodec.Decode(secret, apiKey, await KeyRingAsync());
    }

    /// <summary>
    /// The gateway's decision for a presented key: well-formed with a valid checksum, the stored key id,
    /// and a matching current, pending or unexpired previous verifier (compared in constant time).
    /// </summary>
    public async Task<bool> GatewayAcceptsAsync(ApiKey apiKey, string presented)
    {
        var stored = await StoredKeyAsync(apiKey);
        if (stored is null || !ClientKey.TryParse(presented, out var parts) || !parts.KeyId.SequenceEqual(stored.KeyId))
        {
            return false;
        }

        return (stored.Current is not null && ClientKeyVerifier.Matches(presented, stored.Current))
            || (stored.Pending is not null && ClientKeyVerifier.Matches(presented, stored.Pending))
            || stored.Previous.Any(previous => previous.ExpiresAt > DateTimeOffset.UtcNow && ClientKeyVerifier.Matches(presented, previous.Verifier));
    }

    public async Task<IReadOnlyList<Eventsv1Event>> EventsAsync(string? involvedName = null) =>
        (await Client.Events().ListAllAsync(null))
            .Items.Where(e => involvedName is null || e.Regarding.Name == involvedName).ToList();

    public async Task WaitForEventAsync(string involvedName, string reason) =>
        await Eventually.UntilAsync(async () => (await EventsAsync(involvedName)).Any(e => e.Reason == reason), $"Event {reason} on {involvedName}");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Bastio.K8s.sln not found above " + AppContext.BaseDirectory);
    }
}
