using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Events;

public enum EventType
{
    Normal,
    Warning,
}

/// <summary>Records events.k8s.io/v1 Events about objects, as <c>kubectl describe</c> shows them.</summary>
public interface IEventRecorder
{
    /// <summary>
    /// Records an event in the object's namespace (<c>default</c> for cluster-scoped objects). A repeat of
    /// the same object, type, reason and message within the aggregation window bumps the existing Event's
    /// <c>series.count</c> and <c>series.lastObservedTime</c> instead of creating another. Never throws: events are
    /// best-effort and must not fail a reconcile. Never put key material in <paramref name="message"/>.
    /// </summary>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> involvedObject, EventType type, string reason, string message, CancellationToken cancellationToken = default);
}

/// <summary>Event recorder settings.</summary>
public sealed class EventRecorderOptions
{
    /// <summary><c>source.component</c> and <c>reportingComponent</c>, e.g. <c>bastio-operator</c>.</summary>
    public string Component { get; set; } = "bastio";

    /// <summary><c>source.host</c> and <c>reportingInstance</c>.</summary>
    public string Instance { get; set; } = Environment.MachineName;

    /// <summary>Repeats within this window are folded into one Event (client-go uses 10 minutes).</summary>
    public TimeSpan AggregationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Bound on remembered Events; the least recently seen are forgotten first.</summary>
    public int MaxTrackedEvents { get; set; } = 4096;
}
