namespace Bastio.Kubernetes.Api;

/// <summary>
/// The official models expose labels, annotations and Secret data as <see cref="IDictionary{TKey, TValue}"/>,
/// which the framework's <c>GetValueOrDefault</c> (for read-only dictionaries) does not cover.
/// </summary>
public static class DictionaryExtensions
{
    public static TValue? GetValueOrDefault<TKey, TValue>(this IDictionary<TKey, TValue> map, TKey key)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.TryGetValue(key, out var value) ? value : default;
    }
}
