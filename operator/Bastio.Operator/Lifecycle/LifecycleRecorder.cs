using Bastio.Crds.Vocabulary;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Events;
using Bastio.Operator.Lifecycle;

namespace Bastio.Operator.Lifecycle;

/// <summary>Events through the runtime's recorder (aggregated, best effort) plus the audit line.</summary>
internal sealed class LifecycleRecorder(IEventRecorder events, IAuditLog audit) : ILifecycleRecorder
{
    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> subject, string reason, string message, string? keyId, string actor, bool warning = false, CancellationToken cancellationToken = default)
    {
        // The audit line comes first: it is the record of what happened, the Event only a notification.
        audit.Write(new AuditEntry(reason, subject.Kind ?? "", subject.Metadata.NamespaceProperty ?? "", subject.Metadata.Name ?? "", keyId, actor));
        if (reason != EventReasons.Deleted)
        {
            await events.RecordAsync(subject, warning ? EventType.Warning : EventType.Normal, reason, message, cancellationToken).ConfigureAwait(false);
        }
    }
}
