using System.Collections.Frozen;

namespace Bastio.Gateway.Configuration;

/// <summary>
/// Everything the gateway serves from, immutable once built, swapped as a whole so a request sees
/// one consistent configuration.
/// </summary>
internal sealed class GatewaySnapshot
{
    private readonly FrozenDictionary<string, KeyEntry> _keys;
    private readonly FrozenDictionary<string, KeyEntry>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public GatewaySnapshot(IEnumerable<KeyEntry> keys, IEnumerable<ProxyEntry> proxies)
    {
        _keys = keys.ToFrozenDictionary(key => key.KeyId, StringComparer.Ordinal);
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        Proxies = [.. proxies];
    }

    public static GatewaySnapshot Empty { get; } = new([], []);

    public int KeyCount => _keys.Count;

    public IReadOnlyCollection<KeyEntry> Keys => _keys.Values;

    public IReadOnlyList<ProxyEntry> Proxies { get; }

    /// <summary>The verifier epoch this replica acknowledges while serving this snapshot (see <c>SnapshotBuilder</c>).</summary>
    public long VerifierEpoch { get; init; }

    /// <summary>Looks a key id up without allocating.</summary>
    public bool TryGetKey(ReadOnlySpan<char> keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KeyEntry? entry) =>
        _lookup.TryGetValue(keyId, out entry);
}
