namespace Bastio.Operator.Lifecycle;

/// <summary>The audit trail: one JSON line per key lifecycle action.</summary>
public interface IAuditLog
{
    void Write(AuditEntry entry);
}
