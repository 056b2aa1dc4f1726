using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.TestCluster;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;
using k8s;

namespace Bastio.Plugin.Tests.Infrastructure;

/// <summary>A test cluster serving the product's CRDs, a client for it, and the plugin run against it through a kubeconfig.</summary>
internal sealed class PluginCluster : IAsyncDisposable
{
    private readonly TestClusterServer _server;
    private readonly string _kubeconfig;

    private PluginCluster(TestClusterServer server, string kubeconfig)
    {
        _server = server;
        _kubeconfig = kubeconfig;
        Client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(server.KubeconfigYaml));
    }

    public IKubernetes Client { get; }

    public static async Task<PluginCluster> StartAsync(params string[] namespaces)
    {
        var options = new TestClusterOptions { Port = 0, CrdDirectory = Path.Combine(RepositoryRoot(), "crds") };
        foreach (var ns in namespaces)
        {
            options.Namespaces.Add(ns);
        }

        var server = await TestClusterServer.StartAsync(options);
        var kubeconfig = Path.GetTempFileName();
        await server.WriteKubeconfigAsync(kubeconfig);
        return new PluginCluster(server, kubeconfig);
    }

    /// <summary><c>kubectl bastio</c> with <paramref name="command"/>: its exit code, standard output and standard error.</summary>
    public async Task<(int Code, string Output, string Error)> RunAsync(params string[] command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PluginCli.RunAsync(
            ["--kubeconfig", _kubeconfig, .. command], new KubeconfigConnector(), output, error, TextReader.Null, TimeProvider.System, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
        File.Delete(_kubeconfig);
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
