namespace Bastio.Crds.Vocabulary;

// Condition types and the reasons more than one component reads (CamelCase, machine-readable). The
// operator writes them; the gateway, the plugin and the rotate protocol read them.

/// <summary>Conditions of an ApiKey.</summary>
public static class ApiKeyConditions
{
    public const string Ready = "Ready";

    /// <summary>Outcome of the last rotation request: True (reason Rotated) or False (reason RotationFailed).</summary>
    public const string Rotated = "Rotated";

    /// <summary>Present once revoked; reason <see cref="RevocationIsPermanent"/> when spec.revoked was set back to false.</summary>
    public const string Revoked = "Revoked";

    public const string RevocationIsPermanent = "RevocationIsPermanent";
    public const string SecretConflict = "SecretConflict";
}

/// <summary>Conditions of a ProviderKey.</summary>
public static class ProviderKeyConditions
{
    public const string Ready = "Ready";
    public const string Validated = "Validated";

    /// <summary>Validated False: the upstream resolves only to addresses the address policy refuses.</summary>
    public const string UpstreamNotAllowed = "UpstreamNotAllowed";
}

/// <summary>Conditions of a Proxy.</summary>
public static class ProxyConditions
{
    public const string Ready = "Ready";
    public const string NoUsableProviderKey = "NoUsableProviderKey";
}
