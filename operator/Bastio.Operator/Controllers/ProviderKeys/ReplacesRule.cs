using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Operator.Lifecycle;

namespace Bastio.Operator.Controllers.ProviderKeys;

/// <summary>
/// Which <c>spec.replaces</c> may take effect. A key may retire only a ProviderKey of its own Proxy,
/// never one serving another Proxy, and not when following <c>replaces</c> from the target leads back to
/// it (A replaces B, B replaces A: both would end Retired and the proxy lose both keys). A refused
/// <c>replaces</c> changes nothing: the replacing key takes no traffic and its target is not retired.
/// Judged from the cache on every use, so a change of either key is followed at once.
/// </summary>
internal static class ReplacesRule
{
    public const string InvalidReplaces = EventReasons.InvalidReplaces;

    /// <summary>Why <paramref name="providerKey"/>'s <c>spec.replaces</c> is refused; null when it has none or it may take effect.</summary>
    public static string? Problem(ProviderKey providerKey, IInformerStore<ProviderKey> providerKeys)
    {
        if (providerKey.Spec.Replaces is not { Length: > 0 } replaced)
        {
            return null;
        }

        var ns = providerKey.Metadata.NamespaceProperty;
        var name = providerKey.Metadata.Name!;

        // A missing target is allowed: a key retired and then deleted leaves its replacer as it was.
        if (providerKeys.Get(ns, replaced) is { } target && target.Spec.ProxyRef.Name != providerKey.Spec.ProxyRef.Name)
        {
            return $"spec.replaces names ProviderKey '{replaced}', which serves Proxy '{target.Spec.ProxyRef.Name}', not '{providerKey.Spec.ProxyRef.Name}'; only a key of the same Proxy can be replaced.";
        }

        var chain = new List<string> { name };
        for (var current = providerKey; current.Spec.Replaces is { Length: > 0 } next; )
        {
            chain.Add(next);
            if (next == name)
            {
                return $"spec.replaces forms a cycle ({string.Join(" → ", chain)}); no key of a cycle is retired.";
            }

            // A cycle further along that does not pass through this key is its members' problem, not this key's.
            if (chain.IndexOf(next) != chain.Count - 1 || providerKeys.Get(ns, next) is not { } following)
            {
                return null;
            }

            current = following;
        }

        return null;
    }
}
