using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime;

/// <summary>
/// Identifies one object: <c>namespace/name</c>, or bare <c>name</c> for cluster-scoped kinds.
/// This is what informers hand to work queues and what reconcilers receive, as in client-go.
/// </summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey From(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("The object has no metadata.name.", nameof(obj));
        }

        return new ObjectKey(string.IsNullOrEmpty(obj.Metadata.NamespaceProperty) ? null : obj.Metadata.NamespaceProperty, name);
    }

    /// <summary>Parses <c>namespace/name</c> or <c>name</c>.</summary>
    public static ObjectKey Parse(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return new ObjectKey(null, key);
        }

        if (slash == 0 || slash == key.Length - 1 || key.IndexOf('/', slash + 1) >= 0)
        {
            throw new FormatException($"'{key}' is not a key of the form namespace/name.");
        }

        return new ObjectKey(key[..slash], key[(slash + 1)..]);
    }

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
