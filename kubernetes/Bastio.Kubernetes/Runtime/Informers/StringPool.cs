using System.Diagnostics.CodeAnalysis;

namespace Bastio.Kubernetes.Runtime.Informers;

/// <summary>
/// Deduplicates the strings that cached objects repeat: label and annotation keys, namespaces, kinds,
/// condition reasons, and the names and uids one object's references repeat from another. A cache of
/// ten thousand Secrets otherwise holds ten thousand copies of <c>app.kubernetes.io/managed-by</c>.
/// The pool is bounded: when full it is emptied and refills from what is cached now, so strings of
/// deleted objects do not stay forever and it never grows without limit. Pooling never changes what a
/// string says, only which copy is kept.
/// </summary>
public sealed class StringPool
{
    // A set under a lock rather than a concurrent dictionary: about 20 bytes an entry instead of about 56,
    // which matters when names and uids shared between objects are pooled by the ten thousand.
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly int _maxLength;

    /// <param name="capacity">Most strings kept before the pool starts afresh.</param>
    /// <param name="maxLength">Longer strings (say, a last-applied-configuration annotation) are never pooled: they rarely repeat.</param>
    public StringPool(int capacity = 65_536, int maxLength = 128)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        _capacity = capacity;
        _maxLength = maxLength;
    }

    /// <summary>The pool the informers share unless given their own.</summary>
    public static StringPool Shared { get; } = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _strings.Count;
            }
        }
    }

    /// <summary>The pooled copy of <paramref name="value"/>, which is added when the pool has none.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? Intern(string? value)
    {
        if (value is null || value.Length > _maxLength)
        {
            return value;
        }

        lock (_lock)
        {
            if (_strings.TryGetValue(value, out var pooled))
            {
                return pooled;
            }

            if (_strings.Count >= _capacity)
            {
                // Objects already cached keep their copies; only future sharing starts over.
                _strings.Clear();
            }

            _strings.Add(value);
            return value;
        }
    }

    /// <summary>Pools the items of <paramref name="values"/> in place.</summary>
    public void InternAll(IList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            values[i] = Intern(values[i]);
        }
    }

    /// <summary>A copy of <paramref name="map"/> sized to its contents, with pooled keys and values.</summary>
    [return: NotNullIfNotNull(nameof(map))]
    public Dictionary<string, string>? InternAll(IDictionary<string, string>? map)
    {
        if (map is null)
        {
            return null;
        }

        var pooled = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            pooled[Intern(key)] = Intern(value);
        }

        return pooled;
    }

    /// <summary>A copy of <paramref name="map"/> sized to its contents, with pooled keys (the values are data, not text).</summary>
    [return: NotNullIfNotNull(nameof(map))]
    public Dictionary<string, byte[]>? InternKeys(IDictionary<string, byte[]>? map)
    {
        if (map is null)
        {
            return null;
        }

        var pooled = new Dictionary<string, byte[]>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            pooled[Intern(key)] = value;
        }

        return pooled;
    }
}
