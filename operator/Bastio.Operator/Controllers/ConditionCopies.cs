using k8s;
using k8s.Models;

namespace Bastio.Operator.Controllers;

/// <summary>Copies of conditions: the runtime's <c>Conditions.Set</c> updates entries in place, and cached objects are shared.</summary>
internal static class ConditionCopies
{
    public static List<V1Condition>? Of(IList<V1Condition>? conditions) =>
        conditions?.Select(c => new V1Condition
        {
            Type = c.Type,
            Status = c.Status,
            Reason = c.Reason,
            Message = c.Message,
            ObservedGeneration = c.ObservedGeneration,
            LastTransitionTime = c.LastTransitionTime,
        }).ToList();
}
