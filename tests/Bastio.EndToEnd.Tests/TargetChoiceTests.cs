using Bastio.EndToEnd.Tests.Targets;
using Bastio.Kubernetes.Api;

namespace Bastio.EndToEnd.Tests;

/// <summary>The switch between the two targets of the one suite.</summary>
public sealed class TargetChoiceTests : IDisposable
{
    private readonly string _kubeconfig = Path.GetTempFileName();

    [Fact]
    public void Without_the_variables_the_suite_runs_make_run()
    {
        var choice = TargetChoice.FromEnvironment(_ => null);

        choice.IsExternal.Should().BeFalse();
        choice.Namespace.Should().Be("default");
        choice.Proxy.Should().Be("openai");
    }

    [Fact]
    public void With_both_variables_the_suite_uses_that_cluster_and_gateway()
    {
        var choice = TargetChoice.FromEnvironment(Variables(new Dictionary<string, string>()
        {
            [TargetChoice.KubeconfigVariable] = _kubeconfig,
            [TargetChoice.GatewayUrlVariable] = "http://127.0.0.1:8080",
            [TargetChoice.NamespaceVariable] = "team-a",
        }));

        choice.IsExternal.Should().BeTrue();
        choice.Kubeconfig.Should().Be(_kubeconfig);
        choice.GatewayUrl.Should().Be(new Uri("http://127.0.0.1:8080/v1"), "SDKs take the base URL with /v1, as make run prints it");
        choice.Namespace.Should().Be("team-a");
    }

    [Fact]
    public void A_gateway_url_with_v1_is_kept()
    {
        var choice = TargetChoice.FromEnvironment(Variables(new Dictionary<string, string>()
        {
            [TargetChoice.KubeconfigVariable] = _kubeconfig,
            [TargetChoice.GatewayUrlVariable] = "https://bastio.example.com/v1/",
        }));

        choice.GatewayUrl!.AbsolutePath.TrimEnd('/').Should().Be("/v1");
    }

    [Theory]
    [InlineData(TargetChoice.KubeconfigVariable, TargetChoice.GatewayUrlVariable)]
    [InlineData(TargetChoice.GatewayUrlVariable, TargetChoice.KubeconfigVariable)]
    public void One_variable_alone_is_an_error_naming_the_other(string set, string missing)
    {
        var act = () => TargetChoice.FromEnvironment(Variables(new Dictionary<string, string>() { [set] = set == TargetChoice.KubeconfigVariable ? _kubeconfig : "http://127.0.0.1:1" }));

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{missing} is not set*");
    }

    [Fact]
    public void A_missing_kubeconfig_file_is_an_error()
    {
        var act = () => TargetChoice.FromEnvironment(Variables(new Dictionary<string, string>()
        {
            [TargetChoice.KubeconfigVariable] = _kubeconfig + ".missing",
            [TargetChoice.GatewayUrlVariable] = "http://127.0.0.1:8080",
        }));

        act.Should().Throw<InvalidOperationException>().WithMessage("*does not exist*");
    }

    [Fact]
    public void A_gateway_url_that_is_not_http_is_an_error()
    {
        var act = () => TargetChoice.FromEnvironment(Variables(new Dictionary<string, string>()
        {
            [TargetChoice.KubeconfigVariable] = _kubeconfig,
            [TargetChoice.GatewayUrlVariable] = "127.0.0.1:8080",
        }));

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{TargetChoice.GatewayUrlVariable}*");
    }

    public void Dispose() => File.Delete(_kubeconfig);

    private static Func<string, string?> Variables(IDictionary<string, string> values) => name => values.GetValueOrDefault(name);
}
