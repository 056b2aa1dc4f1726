using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Bastio.Core.Networking;

/// <summary>
/// Which certificates an upstream may present: the system trust store, plus the CAs of an optional
/// PEM bundle (<c>--upstream-ca-file</c>) for providers behind a private CA and for tests. Validation
/// is never turned off: a certificate must chain to one of them and match the upstream's host name.
/// </summary>
public sealed class UpstreamTrust
{
    private readonly X509Certificate2Collection _extraRoots;

    private UpstreamTrust(X509Certificate2Collection extraRoots) => _extraRoots = extraRoots;

    /// <summary>The system trust store only.</summary>
    public static UpstreamTrust SystemStore { get; } = new([]);

    /// <summary>Certificates added by the CA bundle.</summary>
    public int ExtraRootCount => _extraRoots.Count;

    /// <summary>The system store plus every certificate in the PEM file <paramref name="caFile"/> (none when null).</summary>
    /// <exception cref="ArgumentException">The file cannot be read or holds no certificate.</exception>
    public static UpstreamTrust Load(string? caFile)
    {
        if (string.IsNullOrEmpty(caFile))
        {
            return SystemStore;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or global::System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"--upstream-ca-file: '{caFile}' cannot be read as PEM certificates: {ex.Message}", nameof(caFile), ex);
        }

        return roots.Count == 0
            ? throw new ArgumentException($"--upstream-ca-file: '{caFile}' holds no PEM certificate.", nameof(caFile))
            : new UpstreamTrust(roots);
    }

    /// <summary>Applies this trust to <paramref name="handler"/>.</summary>
    public void Apply(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_extraRoots.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong name or no certificate is never forgiven; only an unknown root is retried against the bundle.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
