namespace Bastio.Crds.Vocabulary;

/// <summary>The Event reasons of docs/reference/operator.md#events (also the audit line actions).</summary>
public static class EventReasons
{
    public const string Created = "Created";
    public const string Rotated = "Rotated";
    public const string RotationFailed = "RotationFailed";
    public const string PreviousKeyExpired = "PreviousKeyExpired";
    public const string DeliveryNotAcknowledged = "DeliveryNotAcknowledged";
    public const string Revoked = "Revoked";
    public const string Disabled = "Disabled";
    public const string Enabled = "Enabled";
    public const string Expired = "Expired";
    public const string Validated = "Validated";
    public const string ValidationFailed = "ValidationFailed";
    public const string MigrationStarted = "MigrationStarted";
    public const string MigrationCompleted = "MigrationCompleted";
    public const string SourceNotAllowed = "SourceNotAllowed";
    public const string InvalidReplaces = "InvalidReplaces";

    /// <summary>Warning: a key re-issued because its verifiers were encrypted under a lost encryption key that was reset on request.</summary>
    public const string Reissued = "Reissued";

    /// <summary>Warning: spec.secretName names a Secret the ApiKey may not write (DeliverySecretOwnership).</summary>
    public const string SecretConflict = "SecretConflict";

    /// <summary>Audit-only action: the key's system-namespace objects were removed with the ApiKey.</summary>
    public const string Deleted = "Deleted";
}
