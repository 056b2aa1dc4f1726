using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.TestCluster;

namespace Bastio.Kubernetes.Tests.Runtime;

/// <summary>A private test cluster (faults are per server, so each test gets its own) and a client for it.</summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    private readonly List<IKubernetes> _clients = [];

    private ClusterHarness(TestClusterServer server)
    {
        Server = server;
        Client = NewClient();
    }

    public TestClusterServer Server { get; }

    public FaultInjector Faults => Server.Faults;

    public IKubernetes Client { get; }

    public IResourceClient<Widget> Widgets => Client.Resource<Widget>(Widget.Type);

    public IResourceClient<V1ConfigMap> ConfigMaps => Client.ConfigMaps();

    /// <param name="bookmarkInterval">Short intervals let tests use a short informer watchdog without false alarms.</param>
    public static async Task<ClusterHarness> StartAsync(TimeSpan? bookmarkInterval = null, params string[] namespaces)
    {
        var crds = Directory.CreateTempSubdirectory("bastio-runtime-crds-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(crds.FullName, "widgets.yaml"), Widget.CrdYaml);
            var options = new TestClusterOptions { CrdDirectory = crds.FullName };
            if (bookmarkInterval is { } interval)
            {
                options.BookmarkInterval = interval;
            }

            options.Namespaces.AddRange(namespaces);
            return new ClusterHarness(await TestClusterServer.StartAsync(options));
        }
        finally
        {
            crds.Delete(recursive: true);
        }
    }

    /// <summary>Another client with its own connections, as a second replica would have.</summary>
    public IKubernetes NewClient()
    {
        var client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(Server.KubeconfigYaml));
        _clients.Add(client);
        return client;
    }

    public Task<V1ConfigMap> CreateConfigMapAsync(string name, string ns = "default", List<string>? finalizers = null) =>
        ConfigMaps.CreateAsync(new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Finalizers = finalizers },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        });

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await Server.DisposeAsync();
    }
}
