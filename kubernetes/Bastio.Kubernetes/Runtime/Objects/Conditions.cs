using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Objects;

/// <summary>A status that carries metav1.Condition entries and the generation it reflects.</summary>
public interface IHasConditions
{
    long? ObservedGeneration { get; set; }

    List<V1Condition>? Conditions { get; set; }
}

/// <summary>metav1.Condition helpers with apimachinery's <c>meta.SetStatusCondition</c> semantics.</summary>
public static class Conditions
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) =>
        string.Equals(Find(conditions, type)?.Status, True, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Sets a condition on <paramref name="status"/> and its <c>observedGeneration</c>. <c>lastTransitionTime</c>
    /// becomes <paramref name="now"/> only when the condition is new or its status changes; reason, message
    /// and observedGeneration are updated in place. Returns whether anything changed, so a reconcile that
    /// changes nothing can skip its status write.
    /// </summary>
    public static bool Set(IHasConditions status, string type, string conditionStatus, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var changed = status.ObservedGeneration != observedGeneration;
        status.ObservedGeneration = observedGeneration;
        return Set(status.Conditions ??= [], new V1Condition
        {
            Type = type,
            Status = conditionStatus,
            Reason = reason,
            Message = message,
            ObservedGeneration = observedGeneration,
        }, now) | changed;
    }

    /// <summary>Sets <paramref name="condition"/> in <paramref name="conditions"/> (see the other overload). Returns whether anything changed.</summary>
    public static bool Set(IList<V1Condition> conditions, V1Condition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentException.ThrowIfNullOrEmpty(condition.Type);
        if (condition.Status is not (True or False or Unknown))
        {
            throw new ArgumentException($"Condition status must be True, False or Unknown, not '{condition.Status}'.", nameof(condition));
        }

        // metav1.Time has whole-second precision: a finer value would never round-trip equal.
        var transition = condition.LastTransitionTime == default ? TruncateToSeconds(now) : condition.LastTransitionTime;
        var existing = Find(conditions, condition.Type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = condition.Type,
                Status = condition.Status,
                Reason = condition.Reason,
                Message = condition.Message,
                ObservedGeneration = condition.ObservedGeneration,
                LastTransitionTime = transition,
            });
            return true;
        }

        var changed = false;
        if (existing.Status != condition.Status)
        {
            existing.Status = condition.Status;
            existing.LastTransitionTime = transition;
            changed = true;
        }

        if (existing.Reason != condition.Reason)
        {
            existing.Reason = condition.Reason;
            changed = true;
        }

        if (existing.Message != condition.Message)
        {
            existing.Message = condition.Message;
            changed = true;
        }

        if (existing.ObservedGeneration != condition.ObservedGeneration)
        {
            existing.ObservedGeneration = condition.ObservedGeneration;
            changed = true;
        }

        return changed;
    }

    /// <summary>Removes the condition of <paramref name="type"/>; returns whether one was there.</summary>
    public static bool Remove(List<V1Condition>? conditions, string type) => conditions?.RemoveAll(c => c.Type == type) > 0;

    private static DateTime TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
