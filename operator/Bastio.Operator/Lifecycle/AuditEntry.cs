namespace Bastio.Operator.Lifecycle;

/// <summary>
/// One key lifecycle action. Every field is public information: the keyId is safe to log, key
/// material never reaches this type.
/// </summary>
public sealed record AuditEntry(string Action, string Kind, string Namespace, string Name, string? KeyId, string Actor)
{
    /// <summary>Actor when nobody in particular asked: the operator's own decision (creation, expiry...).</summary>
    public const string OperatorActor = "operator";

    /// <summary>Actor of rotations requested by the rotation CronJob.</summary>
    public const string ScheduleActor = "schedule";
}
