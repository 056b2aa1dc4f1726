using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Operator.ManagedObjects;

/// <summary>Labels and owner references that tie a managed object to the object it was made for.</summary>
internal static class ManagedLabels
{
    /// <summary>Selects every object this operator manages.</summary>
    public const string ManagedSelector = WellKnown.Labels.ManagedBy + "=" + WellKnown.Labels.ManagedByValue;

    /// <summary>
    /// The labels of a managed object for <paramref name="source"/>, keeping labels others added to
    /// <paramref name="existing"/> (a tool's own labels are not ours to remove).
    /// </summary>
    public static Dictionary<string, string> ForSource(IKubernetesObject<V1ObjectMeta> source, string kind, string component, IDictionary<string, string>? existing)
    {
        var labels = existing is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(existing, StringComparer.Ordinal);
        labels[WellKnown.Labels.ManagedBy] = WellKnown.Labels.ManagedByValue;
        labels[WellKnown.Labels.Component] = component;
        labels[WellKnown.Labels.SourceKind] = kind;
        labels[WellKnown.Labels.SourceNamespace] = source.Metadata.NamespaceProperty ?? "";
        labels[WellKnown.Labels.SourceName] = source.Metadata.Name!;
        labels[WellKnown.Labels.SourceUid] = source.Metadata.Uid!;
        return labels;
    }

    /// <summary>The source of a managed object, from its labels; null when they do not name one.</summary>
    public static (string Kind, string Namespace, string Name, string? Uid)? Source(IKubernetesObject<V1ObjectMeta> managed)
    {
        var labels = managed.Metadata.Labels;
        if (labels is null
            || !labels.TryGetValue(WellKnown.Labels.SourceKind, out var kind)
            || !labels.TryGetValue(WellKnown.Labels.SourceNamespace, out var ns)
            || !labels.TryGetValue(WellKnown.Labels.SourceName, out var name))
        {
            return null;
        }

        return (kind, ns, name, labels.GetValueOrDefault(WellKnown.Labels.SourceUid));
    }

    public static V1OwnerReference ControllerReference(ApiKey owner) => new()
    {
        ApiVersion = BastioResources.ApiVersion,
        Kind = "ApiKey",
        Name = owner.Metadata.Name!,
        Uid = owner.Metadata.Uid!,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
