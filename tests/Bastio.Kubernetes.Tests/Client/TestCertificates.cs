using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bastio.Kubernetes.Tests.Client;

/// <summary>Throw-away certificates: a CA, a server certificate for 127.0.0.1 and client certificates.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 CreateAuthority(string name = "test-ca")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A server certificate for 127.0.0.1, or for <paramref name="dnsName"/> only when one is given.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 authority, string? dnsName = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName ?? "127.0.0.1"}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (dnsName is null)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            names.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return Issue(request, authority).CopyWithPrivateKey(key);
    }

    public static (string CertificatePem, string KeyPem) CreateRsaClient(X509Certificate2 authority)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=rsa-user", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = Issue(request, authority);
        return (certificate.ExportCertificatePem(), key.ExportRSAPrivateKeyPem());
    }

    public static (string CertificatePem, string KeyPem) CreateEcClient(X509Certificate2 authority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ec-user", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = Issue(request, authority);
        return (certificate.ExportCertificatePem(), key.ExportECPrivateKeyPem());
    }

    private static X509Certificate2 Issue(CertificateRequest request, X509Certificate2 authority)
    {
        var serial = RandomNumberGenerator.GetBytes(8);
        // Signed with the CA's RSA key whatever the subject's key type, as a real CA would.
        var signer = X509SignatureGenerator.CreateForRSA(authority.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);
        return request.Create(authority.SubjectName, signer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
    }
}
