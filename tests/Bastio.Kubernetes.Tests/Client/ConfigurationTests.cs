using System.Security.Cryptography.X509Certificates;
using System.Text;
using Bastio.Kubernetes.Configuration;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class ConfigurationTests : IDisposable
{
    private static readonly X509Certificate2 Authority = TestCertificates.CreateAuthority();
    private static readonly string AuthorityPem = Authority.ExportCertificatePem();

    private readonly string _directory = Directory.CreateTempSubdirectory("bastio-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private string Write(string relativePath, string content)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private ConfigurationEnvironment Environment(Dictionary<string, string>? variables = null, string? home = null) =>
        new(name => variables?.GetValueOrDefault(name), home ?? Path.Combine(_directory, "home"), Path.Combine(_directory, "serviceaccount"));

    private static string Kubeconfig(string current, string contexts, string clusters, string users) => $"""
        apiVersion: v1
        kind: Config
        current-context: {current}
        contexts:
        {contexts}
        clusters:
        {clusters}
        users:
        {users}
        preferences: {"{}"}
        """;

    [Fact]
    public void An_explicit_file_gives_server_CA_token_and_namespace_of_the_current_context()
    {
        var path = Write("config", Kubeconfig(
            "dev",
            "- name: dev\n  context: {cluster: c1, user: u1, namespace: team-a}",
            $"- name: c1\n  cluster:\n    server: https://10.0.0.1:6443\n    certificate-authority-data: {B64(AuthorityPem)}",
            "- name: u1\n  user:\n    token: abc"));

        var configuration = KubeconfigLoader.Load(path, null, Environment());

        configuration.Server.Should().Be(new Uri("https://10.0.0.1:6443"));
        configuration.ContextName.Should().Be("dev");
        configuration.Namespace.Should().Be("team-a");
        configuration.Token.Should().Be("abc");
        configuration.CertificateAuthorities!.Single().Thumbprint.Should().Be(Authority.Thumbprint);
        configuration.SkipTlsVerify.Should().BeFalse();
    }

    [Fact]
    public void The_context_argument_overrides_current_context()
    {
        var path = Write("config", Kubeconfig(
            "a",
            "- name: a\n  context: {cluster: ca, user: u}\n- name: b\n  context: {cluster: cb, user: u}",
            "- name: ca\n  cluster: {server: 'https://a:6443', insecure-skip-tls-verify: true}\n- name: cb\n  cluster: {server: 'https://b:6443', insecure-skip-tls-verify: true}",
            "- name: u\n  user: {token: t}"));

        var configuration = KubeconfigLoader.Load(path, "b", Environment());

        configuration.Server.Host.Should().Be("b");
        configuration.ContextName.Should().Be("b");
        configuration.SkipTlsVerify.Should().BeTrue();
    }

    [Theory]
    [InlineData("missing", null, "Context \"missing\" not found*")]
    [InlineData("no-cluster", null, "Cluster \"ghost\" of context \"no-cluster\" not found*")]
    [InlineData("no-user", null, "User \"ghost\" of context \"no-user\" not found*")]
    [InlineData("", null, "*sets no current-context*--context*")]
    public void Missing_entries_give_clear_errors(string context, string? unused, string message)
    {
        _ = unused;
        var path = Write("config", Kubeconfig(
            "",
            "- name: no-cluster\n  context: {cluster: ghost, user: u}\n- name: no-user\n  context: {cluster: c, user: ghost}",
            "- name: c\n  cluster: {server: 'https://c:6443'}",
            "- name: u\n  user: {token: t}"));

        var act = () => KubeconfigLoader.Load(path, context.Length == 0 ? null : context, Environment());

        act.Should().Throw<KubeconfigException>().WithMessage(message);
    }

    [Fact]
    public void KUBECONFIG_files_merge_with_the_first_definition_and_first_current_context_winning()
    {
        var first = Write("one/config", Kubeconfig(
            "",
            "- name: shared\n  context: {cluster: c, user: u}",
            "- name: c\n  cluster: {server: 'https://first:6443'}",
            "- name: u\n  user: {token: first-token}"));
        var second = Write("two/config", Kubeconfig(
            "shared",
            "- name: shared\n  context: {cluster: other, user: u}\n- name: only-second\n  context: {cluster: c2, user: u}",
            "- name: c\n  cluster: {server: 'https://second:6443'}\n- name: c2\n  cluster: {server: 'https://c2:6443'}",
            "- name: u\n  user: {token: second-token}"));
        var missing = Path.Combine(_directory, "absent");
        var variables = new Dictionary<string, string> { ["KUBECONFIG"] = string.Join(Path.PathSeparator, first, missing, second) };

        var shared = KubeconfigLoader.Load(null, null, Environment(variables));
        var onlySecond = KubeconfigLoader.Load(null, "only-second", Environment(variables));

        shared.ContextName.Should().Be("shared", "the first file sets no current-context, so the second one's applies");
        shared.Server.Host.Should().Be("first");
        shared.Token.Should().Be("first-token");
        onlySecond.Server.Host.Should().Be("c2");
    }

    [Fact]
    public void Relative_paths_resolve_against_the_kubeconfig_folder()
    {
        Write("cfg/certs/ca.pem", AuthorityPem);
        Write("cfg/token", "from-file");
        var path = Write("cfg/config", Kubeconfig(
            "x",
            "- name: x\n  context: {cluster: c, user: u}",
            "- name: c\n  cluster: {server: 'https://c:6443', certificate-authority: certs/ca.pem}",
            "- name: u\n  user: {tokenFile: token}"));

        var configuration = KubeconfigLoader.Load(path, null, Environment());

        configuration.CertificateAuthorities!.Single().Thumbprint.Should().Be(Authority.Thumbprint);
        configuration.TokenFile.Should().Be(Path.Combine(_directory, "cfg", "token"));
    }

    [Fact]
    public void Client_certificates_load_from_RSA_and_EC_PEM_data_and_files()
    {
        var (rsaCert, rsaKey) = TestCertificates.CreateRsaClient(Authority);
        var (ecCert, ecKey) = TestCertificates.CreateEcClient(Authority);
        Write("ec.crt", ecCert);
        Write("ec.key", ecKey);
        var path = Write("config", Kubeconfig(
            "rsa",
            "- name: rsa\n  context: {cluster: c, user: rsa}\n- name: ec\n  context: {cluster: c, user: ec}",
            "- name: c\n  cluster: {server: 'https://c:6443'}",
            $"- name: rsa\n  user:\n    client-certificate-data: {B64(rsaCert)}\n    client-key-data: {B64(rsaKey)}\n- name: ec\n  user:\n    client-certificate: ec.crt\n    client-key: ec.key"));

        using var rsa = KubeconfigLoader.Load(path, "rsa", Environment()).ClientCertificate!;
        using var ec = KubeconfigLoader.Load(path, "ec", Environment()).ClientCertificate!;

        rsa.Subject.Should().Be("CN=rsa-user");
        rsa.GetRSAPrivateKey().Should().NotBeNull();
        ec.Subject.Should().Be("CN=ec-user");
        ec.GetECDsaPrivateKey().Should().NotBeNull();
    }

    [Theory]
    [InlineData("    client-certificate-data: CERT", "*needs both a client certificate and a client key*")]
    [InlineData("    client-certificate-data: '%%%'\n    client-key-data: '%%%'", "*client-certificate-data of user \"u\" is not valid base64*")]
    [InlineData("    exec: {command: aws}", "*exec or auth-provider*")]
    [InlineData("    tokenFile: /nonexistent/token", "*tokenFile of user \"u\"*does not exist*")]
    public void Unusable_credentials_give_clear_errors(string userYaml, string message)
    {
        var path = Write("config", Kubeconfig(
            "x",
            "- name: x\n  context: {cluster: c, user: u}",
            "- name: c\n  cluster: {server: 'https://c:6443'}",
            "- name: u\n  user:\n" + userYaml.Replace("CERT", B64(AuthorityPem), StringComparison.Ordinal)));

        var act = () => KubeconfigLoader.Load(path, null, Environment());

        act.Should().Throw<KubeconfigException>().WithMessage(message);
    }

    [Theory]
    [InlineData("{server: 'https://c:6443', insecure-skip-tls-verify: true, certificate-authority-data: CADATA}", "*both a certificate authority and insecure-skip-tls-verify*")]
    [InlineData("{server: 'ftp://c'}", "*is not an http(s) URL*")]
    [InlineData("{insecure-skip-tls-verify: true}", "*has no server*")]
    [InlineData("{server: 'https://c:6443', certificate-authority-data: bm90IGEgY2VydA==}", "*holds no PEM certificate*")]
    public void Unusable_clusters_give_clear_errors(string clusterYaml, string message)
    {
        var path = Write("config", Kubeconfig(
            "x",
            "- name: x\n  context: {cluster: c, user: u}",
            "- name: c\n  cluster: " + clusterYaml.Replace("CADATA", B64(AuthorityPem), StringComparison.Ordinal),
            "- name: u\n  user: {token: t}"));

        var act = () => KubeconfigLoader.Load(path, null, Environment());

        act.Should().Throw<KubeconfigException>().WithMessage(message);
    }

    [Fact]
    public void Malformed_YAML_names_the_file()
    {
        var path = Write("config", "clusters: [unclosed");

        var act = () => KubeconfigLoader.Load(path, null, Environment());

        act.Should().Throw<KubeconfigException>().WithMessage($"*{path} is not a valid kubeconfig*");
    }

    [Fact]
    public void An_explicit_path_that_does_not_exist_is_an_error_not_a_fallback()
    {
        Write("home/.kube/config", Kubeconfig("x", "- name: x\n  context: {cluster: c}", "- name: c\n  cluster: {server: 'https://c:6443'}", "- name: unused\n  user: {}"));

        var act = () => KubeconfigLoader.Load(Path.Combine(_directory, "nope"), null, Environment());

        act.Should().Throw<KubeconfigException>().WithMessage("*nope' does not exist*");
    }

    [Fact]
    public void Without_KUBECONFIG_the_home_kubeconfig_is_used_before_in_cluster()
    {
        Write("home/.kube/config", Kubeconfig("x", "- name: x\n  context: {cluster: c}", "- name: c\n  cluster: {server: 'https://home:6443'}", "- name: unused\n  user: {}"));
        WriteServiceAccount();

        var configuration = KubeconfigLoader.Load(null, null, Environment(InClusterVariables()));

        configuration.Server.Host.Should().Be("home");
        configuration.Token.Should().BeNull("a context without a user authenticates anonymously");
    }

    [Fact]
    public void In_cluster_configuration_reads_the_service_account_files()
    {
        WriteServiceAccount();

        var configuration = KubeconfigLoader.Load(null, null, Environment(InClusterVariables()));

        configuration.Server.Should().Be(new Uri("https://10.96.0.1:443"));
        configuration.TokenFile.Should().Be(Path.Combine(_directory, "serviceaccount", "token"));
        configuration.Token.Should().BeNull("the token is read from its file so that rotation is picked up");
        configuration.Namespace.Should().Be("bastio-system");
        configuration.CertificateAuthorities!.Single().Thumbprint.Should().Be(Authority.Thumbprint);
    }

    [Fact]
    public void In_cluster_IPv6_hosts_are_bracketed()
    {
        WriteServiceAccount();
        var variables = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        KubeconfigLoader.InCluster(Environment(variables)).Server.Should().Be(new Uri("https://[fd00::1]:443"));
    }

    [Fact]
    public void In_cluster_without_a_token_is_a_clear_error()
    {
        var act = () => KubeconfigLoader.InCluster(Environment(InClusterVariables()));

        act.Should().Throw<KubeconfigException>().WithMessage("*service account token*does not exist*");
    }

    [Fact]
    public void Nothing_to_load_says_what_was_tried()
    {
        var act = () => KubeconfigLoader.Load(null, null, Environment());

        act.Should().Throw<KubeconfigException>().WithMessage("No Kubernetes configuration found*KUBECONFIG*~/.kube/config*");
    }

    [Fact]
    public void Yaml_from_memory_loads_too()
    {
        var yaml = Kubeconfig("x", "- name: x\n  context: {cluster: c, user: u}", "- name: c\n  cluster: {server: 'https://c:6443'}", "- name: u\n  user: {token: t}");

        KubernetesClientConfiguration.FromKubeconfigYaml(yaml).Token.Should().Be("t");
    }

    private static Dictionary<string, string> InClusterVariables() =>
        new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

    private void WriteServiceAccount()
    {
        Write("serviceaccount/token", "sa-token");
        Write("serviceaccount/ca.crt", AuthorityPem);
        Write("serviceaccount/namespace", "bastio-system\n");
    }
}
