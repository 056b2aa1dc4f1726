namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>ApiKey phases, condition types and reasons (CamelCase, machine-readable).</summary>
internal static class ApiKeyConditions
{
    public const string Ready = "Ready";

    /// <summary>Outcome of the last rotation request: True (reason Rotated) or False (reason RotationFailed).</summary>
    public const string Rotated = "Rotated";

    /// <summary>Present once revoked; reason <see cref="RevocationIsPermanent"/> when spec.revoked was set back to false.</summary>
    public const string Revoked = "Revoked";

    public const string RevocationIsPermanent = "RevocationIsPermanent";
    public const string SecretConflict = "SecretConflict";

    public static class Phases
    {
        public const string Pending = "Pending";
        public const string Active = "Active";
        public const string Disabled = "Disabled";
        public const string Expired = "Expired";
        public const string Revoked = "Revoked";
        public const string Invalid = "Invalid";

        public static readonly string[] All = [Pending, Active, Disabled, Expired, Revoked, Invalid];
    }
}
