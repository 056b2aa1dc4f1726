using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.TestCluster;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;

namespace Bastio.Plugin.Tests;

/// <summary><c>kubectl bastio provider-keys add</c> against the test cluster with the product's CRDs.</summary>
public sealed class ProviderKeysAddTests : IAsyncLifetime
{
    private const string Variable = "BASTIO_PLUGIN_TEST_PROVIDER_KEY";

    private TestClusterServer _cluster = null!;
    private IKubernetes _client = null!;
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        _cluster = await TestClusterServer.StartAsync(new TestClusterOptions { Port = 0, CrdDirectory = CrdDirectory() });
        _kubeconfig = Path.GetTempFileName();
        await _cluster.WriteKubeconfigAsync(_kubeconfig);
        _client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(_cluster.KubeconfigYaml));
        foreach (var name in new[] { "openai", "other" })
        {
            await _client.Proxies().CreateAsync(new Proxy
            {
                ApiVersion = BastioResources.ApiVersion,
                Kind = "Proxy",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
                Spec = new ProxySpec { Provider = "openai", Upstream = "https://api.openai.com/v1" },
            });
        }

        Environment.SetEnvironmentVariable(Variable, "sk-test-plugin-0123456789");
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        _client.Dispose();
        await _cluster.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Fact]
    public async Task The_source_Secret_it_creates_opts_in_to_being_read_by_a_ProviderKey()
    {
        var (code, _, error) = await RunAsync("provider-keys", "add", "primary", "--proxy", "openai", "--provider", "openai", "--from-env", Variable);

        code.Should().Be(ExitCodes.Ok, error);
        var secret = await _client.Secrets().GetAsync("default", "primary-credentials");
        secret.Metadata.Labels.Should().Contain("bastio.io/provider-key", "true");
    }

    [Fact]
    public async Task Replacing_a_key_of_another_proxy_is_refused_before_anything_is_created()
    {
        (await RunAsync("provider-keys", "add", "elsewhere", "--proxy", "other", "--provider", "openai", "--from-env", Variable)).Code.Should().Be(ExitCodes.Ok);

        var (code, _, error) = await RunAsync("provider-keys", "add", "hostile", "--proxy", "openai", "--provider", "openai", "--from-env", Variable, "--replaces", "elsewhere");

        code.Should().Be(ExitCodes.Usage);
        error.Should().Contain("same proxy");
        (await _client.ProviderKeys().TryGetAsync("default", "hostile")).Should().BeNull();
        (await _client.Secrets().TryGetAsync("default", "hostile-credentials")).Should().BeNull();
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PluginCli.RunAsync(
            ["--kubeconfig", _kubeconfig, .. command], new KubeconfigConnector(), output, error, TextReader.Null, TimeProvider.System, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static string CrdDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
            {
                return Path.Combine(directory.FullName, "crds");
            }
        }

        throw new InvalidOperationException("Bastio.K8s.sln not found above " + AppContext.BaseDirectory);
    }
}
