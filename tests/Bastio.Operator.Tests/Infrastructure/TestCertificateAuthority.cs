using System.Security.Cryptography.X509Certificates;
using StubCertificateAuthority = Bastio.StubUpstream.TestCertificateAuthority;

namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>
/// This test run's CA (made by the stub upstream's <see cref="StubCertificateAuthority"/>, the one
/// implementation) and its certificate written as PEM, so provider validation crosses TLS with full
/// certificate checks (chain and name), as it would to a real provider. The operator trusts the CA
/// through <c>--upstream-ca-file</c> (<see cref="PemPath"/>), never by switching validation off.
/// </summary>
internal sealed class TestCertificateAuthority
{
    public const string ServerName = "localhost";

    private TestCertificateAuthority(string pemPath, X509Certificate2 serverCertificate)
    {
        PemPath = pemPath;
        ServerCertificate = serverCertificate;
    }

    public static TestCertificateAuthority Shared { get; } = Create();

    /// <summary>The CA certificate as PEM, for <c>UpstreamTrust.Load</c>.</summary>
    public string PemPath { get; }

    /// <summary>The stub provider's certificate (with its private key) for <see cref="ServerName"/>.</summary>
    public X509Certificate2 ServerCertificate { get; }

    private static TestCertificateAuthority Create()
    {
        var authority = StubCertificateAuthority.Create();
        var pemPath = Path.Combine(Path.GetTempPath(), $"bastio-operator-tests-ca-{Environment.ProcessId}.pem");
        authority.WriteCertificatePem(pemPath);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(pemPath);
        return new TestCertificateAuthority(pemPath, authority.ServerCertificate);
    }
}
