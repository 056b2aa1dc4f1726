using Bastio.Crds.Vocabulary;
using k8s;
using k8s.Models;

namespace Bastio.Operator.Lifecycle;

/// <summary>
/// Reports a key lifecycle action as a Kubernetes Event on the object and as one audit line.
/// Messages must name only public facts (names, key ids, versions, times): never key material.
/// </summary>
internal interface ILifecycleRecorder
{
    /// <summary>Best effort: never throws for a failed Event write (a reconcile must not fail over an Event).</summary>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> subject, string reason, string message, string? keyId, string actor, bool warning = false, CancellationToken cancellationToken = default);
}
