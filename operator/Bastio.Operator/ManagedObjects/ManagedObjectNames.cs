using System.Security.Cryptography;
using System.Text;
using Bastio.Core;

namespace Bastio.Operator.ManagedObjects;

/// <summary>
/// Names of the objects the operator writes in the system namespace for a tenant object. A
/// readable part (namespace and name, truncated when needed) plus a hash of the exact
/// namespace/name, so that <c>a-b/c</c> and <c>a/b-c</c> never collide and truncation stays unique.
/// </summary>
public static class ManagedObjectNames
{
    /// <summary>Secrets (and most objects) are DNS subdomains of at most 253 characters.</summary>
    public const int MaxSecretNameLength = 253;

    /// <summary>A CronJob's name becomes its Jobs' name plus an 11-character suffix, capped at 63.</summary>
    public const int MaxCronJobNameLength = 52;

    private const int HashLength = 8;

    public static string VerifierSecret(string ns, string name) =>
        Derive(WellKnown.VerifierSecret.NamePrefix, ns, name, MaxSecretNameLength);

    public static string ProviderKeySecret(string ns, string name) =>
        Derive(WellKnown.ProviderKeySecret.NamePrefix, ns, name, MaxSecretNameLength);

    public static string RotationCronJob(string ns, string name) =>
        Derive("bastio-rotate-", ns, name, MaxCronJobNameLength);

    /// <summary><c>spec.secretName</c>, or <c>&lt;name&gt;-key</c>.</summary>
    public static string DeliverySecret(string apiKeyName, string? secretName) =>
        string.IsNullOrEmpty(secretName) ? apiKeyName + "-key" : secretName;

    internal static string Derive(string prefix, string ns, string name, int maxLength)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ns + "/" + name)))[..HashLength];
        var readable = ns + "-" + name;
        var room = maxLength - prefix.Length - 1 - HashLength;
        if (readable.Length > room)
        {
            readable = readable[..room];
        }

        // A DNS subdomain's labels must start and end alphanumeric; truncation may leave '-' or '.' last.
        readable = readable.TrimEnd('-', '.');
        return $"{prefix}{readable}-{hash}";
    }
}
