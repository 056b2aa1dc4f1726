using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Informers;

/// <summary>The cache behind an informer: objects by key plus named inverted indexes.</summary>
internal sealed class InformerStore<T> : IInformerStore<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, T> _items = [];
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public T? Get(string? ns, string name) => Get(new ObjectKey(string.IsNullOrEmpty(ns) ? null : ns, name));

    public T? Get(ObjectKey key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (_lock)
        {
            if (!_indexes.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"No index named '{indexName}'.", nameof(indexName));
            }

            return index.Entries.TryGetValue(value, out var entry) ? [.. entry.Keys.Select(k => _items[k])] : [];
        }
    }

    public void AddIndex(string indexName, Func<T, IEnumerable<string>> indexFunc)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexName);
        ArgumentNullException.ThrowIfNull(indexFunc);
        lock (_lock)
        {
            if (_indexes.ContainsKey(indexName))
            {
                throw new InvalidOperationException($"An index named '{indexName}' already exists.");
            }

            var index = new Index(indexFunc);
            foreach (var (key, item) in _items)
            {
                index.Add(key, item);
            }

            _indexes.Add(indexName, index);
        }
    }

    /// <summary>Inserts or replaces; returns the previous object.</summary>
    public T? Upsert(ObjectKey key, T item)
    {
        lock (_lock)
        {
            var old = _items.GetValueOrDefault(key);
            foreach (var index in _indexes.Values)
            {
                index.Remove(key);
                index.Add(key, item);
            }

            _items[key] = item;
            return old;
        }
    }

    /// <summary>Removes; returns the removed object.</summary>
    public T? Remove(ObjectKey key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }

            foreach (var index in _indexes.Values)
            {
                index.Remove(key);
            }

            return old;
        }
    }

    /// <summary>Snapshot of the keys that satisfy <paramref name="inScope"/>, for relist diffs.</summary>
    public List<KeyValuePair<ObjectKey, T>> Snapshot(Func<ObjectKey, bool> inScope)
    {
        lock (_lock)
        {
            return [.. _items.Where(p => inScope(p.Key))];
        }
    }

    // Remembers each key's values so that removal never re-runs the (caller-supplied) index function.
    // Every key with one value shares that value's string: an index such as "namespace/proxy" would
    // otherwise hold a fresh copy per object.
    private sealed class Index(Func<T, IEnumerable<string>> indexFunc)
    {
        private readonly Dictionary<ObjectKey, string[]> _valuesByKey = [];

        public Dictionary<string, (string Value, HashSet<ObjectKey> Keys)> Entries { get; } = new(StringComparer.Ordinal);

        public void Add(ObjectKey key, T item)
        {
            var values = indexFunc(item).Distinct(StringComparer.Ordinal).ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                if (!Entries.TryGetValue(values[i], out var entry))
                {
                    entry = (values[i], []);
                    Entries[values[i]] = entry;
                }

                values[i] = entry.Value;
                entry.Keys.Add(key);
            }

            _valuesByKey[key] = values;
        }

        public void Remove(ObjectKey key)
        {
            if (!_valuesByKey.Remove(key, out var values))
            {
                return;
            }

            foreach (var value in values)
            {
                if (Entries.TryGetValue(value, out var entry) && entry.Keys.Remove(key) && entry.Keys.Count == 0)
                {
                    Entries.Remove(value);
                }
            }
        }
    }
}
