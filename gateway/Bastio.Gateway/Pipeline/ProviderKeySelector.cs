using Bastio.Gateway.Configuration;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// Weighted random choice among a proxy's usable provider keys. During a migration the new key's
/// weight grows linearly with the migration's progress and the key it replaces shrinks by the same
/// fraction, so traffic moves over smoothly instead of flipping.
/// </summary>
internal static class ProviderKeySelector
{
    /// <summary>Null when the proxy has no usable provider key (<c>proxy_not_ready</c>).</summary>
    public static ProviderKeyEntry? Select(ProxyEntry proxy, DateTimeOffset now, double random)
    {
        var keys = proxy.ProviderKeys;
        if (keys.Count <= 1)
        {
            return keys.Count == 1 ? keys[0] : null;
        }

        var total = 0.0;
        for (var i = 0; i < keys.Count; i++)
        {
            total += EffectiveWeight(keys, i, now);
        }

        // Every weight is zero only when a migration has just started and its old key is gone:
        // serving with the new key beats refusing.
        var useBaseWeights = total <= 0;
        if (useBaseWeights)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                total += keys[i].Weight;
            }
        }

        var target = random * total;
        for (var i = 0; i < keys.Count; i++)
        {
            target -= useBaseWeights ? keys[i].Weight : EffectiveWeight(keys, i, now);
            if (target < 0)
            {
                return keys[i];
            }
        }

        return keys[^1];
    }

    /// <summary>The share of key <paramref name="index"/> right now.</summary>
    public static double EffectiveWeight(IReadOnlyList<ProviderKeyEntry> keys, int index, DateTimeOffset now)
    {
        var key = keys[index];
        double weight = key.Weight;
        if (key.Migration is { } migration)
        {
            weight *= migration.Progress(now);
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Migration is { } other && other.Replaces == key.Name)
            {
                weight *= 1 - other.Progress(now);
            }
        }

        return weight;
    }
}
