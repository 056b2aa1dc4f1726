using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Tests.Infrastructure;

namespace Bastio.Plugin.Tests;

/// <summary><c>kubectl bastio provider-keys add</c> against the test cluster with the product's CRDs.</summary>
public sealed class ProviderKeysAddTests : IAsyncLifetime
{
    private const string Variable = "BASTIO_PLUGIN_TEST_PROVIDER_KEY";

    private PluginCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PluginCluster.StartAsync();
        foreach (var name in new[] { "openai", "other" })
        {
            await _cluster.Client.Proxies().CreateAsync(new Proxy
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
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task The_source_Secret_it_creates_opts_in_to_being_read_by_a_ProviderKey()
    {
        var (code, _, error) = await _cluster.RunAsync("provider-keys", "add", "primary", "--proxy", "openai", "--provider", "openai", "--from-env", Variable);

        code.Should().Be(ExitCodes.Ok, error);
        var secret = await _cluster.Client.Secrets().GetAsync("default", "primary-credentials");
        secret.Metadata.Labels.Should().Contain("bastio.io/provider-key", "true");
    }

    [Fact]
    public async Task Replacing_a_key_of_another_proxy_is_refused_before_anything_is_created()
    {
        (await _cluster.RunAsync("provider-keys", "add", "elsewhere", "--proxy", "other", "--provider", "openai", "--from-env", Variable)).Code.Should().Be(ExitCodes.Ok);

        var (code, _, error) = await _cluster.RunAsync("provider-keys", "add", "hostile", "--proxy", "openai", "--provider", "openai", "--from-env", Variable, "--replaces", "elsewhere");

        code.Should().Be(ExitCodes.Usage);
        error.Should().Contain("same proxy");
        (await _cluster.Client.ProviderKeys().TryGetAsync("default", "hostile")).Should().BeNull();
        (await _cluster.Client.Secrets().TryGetAsync("default", "hostile-credentials")).Should().BeNull();
    }
}
