using Bastio.Kubernetes.TestCluster;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;

namespace Bastio.Plugin.Tests;

/// <summary>The plugin's answers when the cluster is not what it expects, run in-process against the test cluster.</summary>
public sealed class ClusterErrorTests : IAsyncLifetime
{
    private TestClusterServer _cluster = null!;
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        // No CrdDirectory: the bastio.io kinds are not served.
        _cluster = await TestClusterServer.StartAsync(new TestClusterOptions { Port = 0 });
        _kubeconfig = Path.GetTempFileName();
        await _cluster.WriteKubeconfigAsync(_kubeconfig);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Theory]
    [InlineData("keys", "list")]
    [InlineData("keys", "show", "demo")]
    [InlineData("provider-keys", "list")]
    [InlineData("proxies", "list")]
    public async Task Missing_crds_are_named_as_such_not_as_a_missing_object(params string[] command)
    {
        var (code, _, error) = await RunAsync(_kubeconfig, command);

        code.Should().Be(ExitCodes.Error);
        error.Should().Contain("the Bastio CRDs are not installed");
    }

    [Fact]
    public async Task A_rejected_token_exits_4()
    {
        var wrongToken = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(wrongToken, _cluster.KubeconfigYaml.Replace(_cluster.Token, "not-the-token", StringComparison.Ordinal));

            var (code, _, error) = await RunAsync(wrongToken, "keys", "list");

            code.Should().Be(ExitCodes.Forbidden);
            error.Should().Contain("unauthorized");
        }
        finally
        {
            File.Delete(wrongToken);
        }
    }

    [Fact]
    public async Task A_missing_kubeconfig_is_explained()
    {
        var (code, _, error) = await RunAsync("/nonexistent/kubeconfig", "keys", "list");

        code.Should().Be(ExitCodes.Error);
        error.Should().Contain("cannot use the kubeconfig");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string kubeconfig, params string[] command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PluginCli.RunAsync(
            ["--kubeconfig", kubeconfig, .. command], new KubeconfigConnector(), output, error, TextReader.Null, TimeProvider.System, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
