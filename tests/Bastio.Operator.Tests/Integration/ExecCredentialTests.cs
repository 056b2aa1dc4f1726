using System.Text;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using Bastio.Operator.Tests.Infrastructure;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// The operator and <c>kubectl bastio</c> with a kubeconfig whose user is an <c>exec</c> credential plugin
/// (as EKS, GKE and AKS kubeconfigs are): the test cluster accepts only its own bearer token, so every
/// answer proves the token the plugin printed was sent.
/// </summary>
public sealed class ExecCredentialTests : IAsyncLifetime
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("bastio-exec-");
    private OperatorTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await OperatorTestEnvironment.StartAsync(startOperator: false);

    public async Task DisposeAsync()
    {
        await _env.DisposeAsync();
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task The_operator_and_the_plugin_authenticate_with_the_token_an_exec_plugin_prints()
    {
        var (kubeconfig, calls) = WriteExecKubeconfig(_env.Cluster.Token);
        await _env.StartOperatorAsync(client: KubernetesConnection.CreateClient(KubernetesConnection.LoadConfiguration(kubeconfig)));
        await _env.CreateProxyAsync();

        var (code, output, error) = await RunPluginAsync(kubeconfig, "keys", "create", "app", "--proxy", "openai");

        code.Should().Be(ExitCodes.Ok, error);
        var apiKey = await _env.Api.ApiKeys.GetAsync(OperatorTestEnvironment.Namespace, "app");
        apiKey.Status!.Phase.Should().Be("Active", "the operator, authenticated the same way, issued the key");
        output.Should().Contain(await _env.DeliveredKeyAsync(apiKey.Status.SecretName!), "the plugin printed the key it read back");
        File.ReadAllLines(calls).Should().NotBeEmpty("the credential came from the exec plugin, not from the kubeconfig");
    }

    [Fact]
    public async Task A_token_the_cluster_does_not_accept_is_refused()
    {
        var (kubeconfig, calls) = WriteExecKubeconfig("not-the-cluster-token");

        var (code, _, error) = await RunPluginAsync(kubeconfig, "keys", "list");

        code.Should().Be(ExitCodes.Forbidden);
        error.Should().Contain("unauthorized");
        File.ReadAllLines(calls).Should().NotBeEmpty();
    }

    private static async Task<(int Code, string Output, string Error)> RunPluginAsync(string kubeconfig, params string[] command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PluginCli.RunAsync(
            ["--kubeconfig", kubeconfig, "-n", OperatorTestEnvironment.Namespace, .. command],
            new KubeconfigConnector(),
            output,
            error,
            TextReader.Null,
            TimeProvider.System,
            CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A kubeconfig for the test cluster whose user runs a script printing an ExecCredential with <paramref name="token"/>; the script notes each call.</summary>
    private (string Kubeconfig, string Calls) WriteExecKubeconfig(string token)
    {
        var calls = Path.Combine(_work.FullName, "calls");
        File.WriteAllText(calls, "");
        var script = Path.Combine(_work.FullName, "credential.sh");
        File.WriteAllText(script, $$$"""
            #!/bin/sh
            echo called >> '{{{calls}}}'
            printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{token}}}"}}'

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var kubeconfig = Path.Combine(_work.FullName, "kubeconfig");
        File.WriteAllText(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {{_env.Cluster.Url.ToString().TrimEnd('/')}}
                certificate-authority-data: {{Convert.ToBase64String(Encoding.ASCII.GetBytes(_env.Cluster.CertificateAuthorityPem))}}
            users:
            - name: exec
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {{script}}
                  interactiveMode: Never
            contexts:
            - name: test
              context: {cluster: test, user: exec, namespace: {{OperatorTestEnvironment.Namespace}}}
            current-context: test

            """);
        return (kubeconfig, calls);
    }
}
