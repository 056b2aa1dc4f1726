using System.Security.Cryptography;
using k8s;
using k8s.Models;

namespace Bastio.Operator.ManagedObjects;

/// <summary>Equality of what the operator controls on a Secret, so unchanged Secrets are never rewritten.</summary>
internal static class SecretContent
{
    /// <summary>Same type, labels, owner references and data (values compared in constant time: they hold keys).</summary>
    public static bool Same(V1Secret existing, V1Secret desired) =>
        existing.Type == desired.Type
        && SameMap(existing.Metadata.Labels, desired.Metadata.Labels)
        && SameMap(existing.Metadata.Annotations, desired.Metadata.Annotations)
        && SameOwners(existing.Metadata.OwnerReferences, desired.Metadata.OwnerReferences)
        && SameData(existing.Data, desired.Data);

    public static bool SameData(IDictionary<string, byte[]>? a, IDictionary<string, byte[]>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        foreach (var (key, value) in a ?? new Dictionary<string, byte[]>())
        {
            if (!b!.TryGetValue(key, out var other) || !CryptographicOperations.FixedTimeEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    public static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b) => SameMap(a, b);

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0)
        && (a ?? new Dictionary<string, string>()).All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value);

    private static bool SameOwners(IList<V1OwnerReference>? a, IList<V1OwnerReference>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0)
        && (a ?? []).Zip(b ?? []).All(pair => pair.First.Uid == pair.Second.Uid
            && pair.First.Kind == pair.Second.Kind
            && pair.First.Name == pair.Second.Name
            && pair.First.ApiVersion == pair.Second.ApiVersion
            && pair.First.Controller == pair.Second.Controller
            && pair.First.BlockOwnerDeletion == pair.Second.BlockOwnerDeletion);
}
