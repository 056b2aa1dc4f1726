using Bastio.Crds.Vocabulary;

namespace Bastio.Crds.Validation;

/// <summary>
/// What the CRD schema cannot check of a ProviderKey: that its Proxy exists, and which <c>spec.replaces</c>
/// may take effect. A key may retire only a ProviderKey of its own Proxy,
/// never one serving another Proxy, and not when following <c>replaces</c> from the target leads back to
/// it (A replaces B, B replaces A: both would end Retired and the proxy lose both keys). A refused
/// <c>replaces</c> changes nothing: the replacing key takes no traffic and its target is not retired.
/// Judged from the caller's view of the namespace's ProviderKeys on every use, so a change of either key is followed at once.
/// </summary>
public static class ProviderKeyValidation
{
    public const string ProxyNotFound = "ProxyNotFound";
    public const string InvalidReplaces = EventReasons.InvalidReplaces;

    /// <summary>What keeps <paramref name="providerKey"/> out of use before its source is looked at; null when nothing does.</summary>
    /// <param name="siblings">The ProviderKeys of the key's namespace, by name.</param>
    public static SpecProblem? Validate(ProviderKey providerKey, Proxy? proxy, Func<string, ProviderKey?> siblings)
    {
        ArgumentNullException.ThrowIfNull(providerKey);
        if (proxy is null)
        {
            return new(ProxyNotFound, $"Proxy '{providerKey.Spec.ProxyRef.Name}' does not exist in namespace '{providerKey.Metadata.NamespaceProperty}'.");
        }

        return ReplacesProblem(providerKey, siblings) is { } replaces ? new(InvalidReplaces, replaces) : null;
    }

    /// <summary>Why <paramref name="providerKey"/>'s <c>spec.replaces</c> is refused; null when it has none or it may take effect.</summary>
    public static string? ReplacesProblem(ProviderKey providerKey, Func<string, ProviderKey?> siblings)
    {
        ArgumentNullException.ThrowIfNull(providerKey);
        ArgumentNullException.ThrowIfNull(siblings);
        if (providerKey.Spec.Replaces is not { Length: > 0 } replaced)
        {
            return null;
        }

        var name = providerKey.Metadata.Name!;

        // A missing target is allowed: a key retired and then deleted leaves its replacer as it was.
        if (siblings(replaced) is { } target && target.Spec.ProxyRef.Name != providerKey.Spec.ProxyRef.Name)
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
            if (chain.IndexOf(next) != chain.Count - 1 || siblings(next) is not { } following)
            {
                return null;
            }

            current = following;
        }

        return null;
    }
}
