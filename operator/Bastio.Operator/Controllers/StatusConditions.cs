using Bastio.Kubernetes.Models;

namespace Bastio.Operator.Controllers;

/// <summary>metav1.Condition semantics: one entry per type, lastTransitionTime moves only when status does.</summary>
internal static class StatusConditions
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    public static void Set(IHasConditions status, string type, string conditionStatus, string reason, string message, long? generation, DateTimeOffset now)
    {
        status.Conditions ??= [];
        var existing = status.Conditions.Find(c => c.Type == type);
        var transition = existing is not null && existing.Status == conditionStatus && existing.LastTransitionTime is not null
            ? existing.LastTransitionTime
            : Rfc3339.Truncate(now);
        var condition = new Condition
        {
            Type = type,
            Status = conditionStatus,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = transition,
        };
        if (existing is null)
        {
            status.Conditions.Add(condition);
        }
        else
        {
            status.Conditions[status.Conditions.IndexOf(existing)] = condition;
        }
    }

    public static void Remove(IHasConditions status, string type) => status.Conditions?.RemoveAll(c => c.Type == type);

    public static Condition? Find(IHasConditions? status, string type) => status?.Conditions?.Find(c => c.Type == type);

    public static List<Condition>? Copy(List<Condition>? conditions) =>
        conditions?.Select(c => new Condition
        {
            Type = c.Type,
            Status = c.Status,
            Reason = c.Reason,
            Message = c.Message,
            ObservedGeneration = c.ObservedGeneration,
            LastTransitionTime = c.LastTransitionTime,
        }).ToList();
}
