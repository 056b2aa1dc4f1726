using System.Collections.Concurrent;

namespace Bastio.Gateway.RateLimiting;

/// <summary>
/// Buckets outlive configuration snapshots: each snapshot build asks for the bucket of
/// (keyId, shape) and gets the existing one, so a swap never refills anyone's bucket.
/// </summary>
internal sealed class BucketStore(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string KeyId, RateLimitShape Shape), TokenBucket> _buckets = new();

    public int Count => _buckets.Count;

    public TokenBucket GetOrCreate(string keyId, RateLimitShape shape) =>
        _buckets.GetOrAdd((keyId, shape), static (key, time) => new TokenBucket(key.Shape, time), time);

    /// <summary>Forgets buckets no longer used by the live snapshot (deleted keys, changed limits).</summary>
    public void RetainOnly(IReadOnlySet<TokenBucket> live)
    {
        foreach (var entry in _buckets)
        {
            if (!live.Contains(entry.Value))
            {
                _buckets.TryRemove(entry);
            }
        }
    }
}
