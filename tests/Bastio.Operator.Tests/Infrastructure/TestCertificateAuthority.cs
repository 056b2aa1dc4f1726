using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>
/// A CA made for this test run and a server certificate it signed for <c>localhost</c>, so provider
/// validation crosses TLS with full certificate checks (chain and name), as it would to a real provider.
/// The operator trusts the CA through <c>--upstream-ca-file</c> (<see cref="PemPath"/>), never by
/// switching validation off.
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
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(7);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Bastio operator tests CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=" + ServerName, serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var signed = serverRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(serverKey);

        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        var pemPath = Path.Combine(Path.GetTempPath(), $"bastio-operator-tests-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(pemPath, ca.ExportCertificatePem());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(pemPath);
        return new TestCertificateAuthority(pemPath, server);
    }
}
