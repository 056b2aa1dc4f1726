using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Configuration;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class TlsTests : IAsyncDisposable
{
    private static readonly X509Certificate2 Authority = TestCertificates.CreateAuthority("pinned-ca");
    private static readonly X509Certificate2 OtherAuthority = TestCertificates.CreateAuthority("other-ca");
    private static readonly X509Certificate2 ServerCertificate = TestCertificates.CreateServer(Authority);
    private static readonly X509Certificate2 NamedServerCertificate = TestCertificates.CreateServer(Authority, "api.example.com");

    private readonly LocalTlsServer _server = new(ServerCertificate);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private KubernetesClient Client(KubernetesClientConfiguration configuration) => new(configuration with { Server = _server.Url });

    private static KubernetesClientConfiguration Pinned(X509Certificate2 authority) =>
        new() { Server = new Uri("https://unused"), CertificateAuthorities = [X509CertificateLoader.LoadCertificate(authority.RawData)] };

    [Fact]
    public async Task The_pinned_CA_is_trusted_without_the_system_store()
    {
        using var client = Client(Pinned(Authority));

        var map = await client.ConfigMaps().GetAsync("default", "m");

        map.Metadata.Name.Should().Be("anonymous");
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        using var client = Client(Pinned(OtherAuthority));

        var error = await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<HttpRequestException>();
        error.Which.InnerException.Should().BeOfType<AuthenticationException>();
    }

    [Fact]
    public async Task The_host_name_is_still_checked_against_the_pinned_CA()
    {
        using var client = Client(Pinned(Authority) with { TlsServerName = "api.example.com" });

        await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<HttpRequestException>();
    }

    [Fact]
    public async Task Tls_server_name_replaces_the_host_in_the_name_check()
    {
        // This server's certificate names only api.example.com, never the 127.0.0.1 the client dials.
        await using var named = new LocalTlsServer(NamedServerCertificate);
        using var withName = new KubernetesClient(Pinned(Authority) with { Server = named.Url, TlsServerName = "api.example.com" });
        using var withoutName = new KubernetesClient(Pinned(Authority) with { Server = named.Url });

        (await withName.ConfigMaps().GetAsync("default", "m")).Metadata.Name.Should().Be("anonymous");
        await withoutName.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<HttpRequestException>();
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_any_certificate()
    {
        using var client = Client(Pinned(OtherAuthority) with { CertificateAuthorities = null, SkipTlsVerify = true });

        (await client.ConfigMaps().GetAsync("default", "m")).Metadata.Name.Should().Be("anonymous");
    }

    [Fact]
    public async Task Without_a_CA_the_system_store_decides_and_refuses_a_private_CA()
    {
        using var client = Client(Pinned(Authority) with { CertificateAuthorities = null });

        await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<HttpRequestException>();
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async Task Client_certificates_from_a_kubeconfig_are_presented(string keyType)
    {
        var (certificate, key) = keyType == "rsa" ? TestCertificates.CreateRsaClient(Authority) : TestCertificates.CreateEcClient(Authority);
        string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        var yaml = $"""
            current-context: x
            contexts:
            - name: x
              context:
                cluster: c
                user: u
            clusters:
            - name: c
              cluster:
                server: {_server.Url}
                certificate-authority-data: {B64(Authority.ExportCertificatePem())}
            users:
            - name: u
              user:
                client-certificate-data: {B64(certificate)}
                client-key-data: {B64(key)}
            """;
        using var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfigYaml(yaml));

        var map = await client.ConfigMaps().GetAsync("default", "m");

        map.Metadata.Name.Should().Be($"CN={keyType}-user");
    }

    /// <summary>Answers every HTTP/1.1 request with a ConfigMap named after the client certificate's subject.</summary>
    private sealed class LocalTlsServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public LocalTlsServer(X509Certificate2 certificate)
        {
            _certificate = certificate;
            _listener.Start();
            Url = new Uri($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
            _accepting = AcceptAsync();
        }

        public Uri Url { get; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(connection);
            }
        }

        private async Task ServeAsync(TcpClient connection)
        {
            using (connection)
            {
                try
                {
                    await using var tls = new SslStream(connection.GetStream());
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    }, _stop.Token);
                    var request = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await tls.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    var subject = tls.RemoteCertificate?.Subject ?? "anonymous";
                    var body = $$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"{{{subject}}}"}}""";
                    var answer = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                    await tls.WriteAsync(Encoding.UTF8.GetBytes(answer), _stop.Token);
                }
                catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException)
                {
                    // The refused handshakes are what several tests provoke on purpose.
                }
            }
        }
    }
}
