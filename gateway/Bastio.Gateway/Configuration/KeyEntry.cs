using System.Security.Cryptography;
using Bastio.Core.Keys;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;

namespace Bastio.Gateway.Configuration;

internal enum KeyState
{
    Active,
    Disabled,
    Revoked,
}

/// <summary>
/// An ApiKey as the gateway serves it: the decrypted verifiers (never the key) and everything the
/// checks need, resolved once at snapshot build so a request does no parsing.
/// </summary>
internal sealed class KeyEntry
{
    public required string KeyId { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required ProxyEntry Proxy { get; init; }

    public required KeyState State { get; init; }

    /// <summary>SHA-256 verifiers accepted right now, and each of <see cref="Previous"/> until its own grace end.</summary>
    public byte[]? Current { get; init; }

    public byte[]? Pending { get; init; }

    /// <summary>Keys replaced by rotations, newest first, at most <see cref="KeyVerifiers.MaxPrevious"/>.</summary>
    public IReadOnlyList<PreviousVerifier> Previous { get; init; } = [];

    public DateTimeOffset? ExpiresAt { get; init; }

    public Permissions Permissions { get; init; } = PermissionNames.Default;

    public IpAllowList? IpAllowList { get; init; }

    /// <summary>This replica's request bucket; null when the key has no rate limit.</summary>
    public TokenBucket? Bucket => Limits?.RequestBucket;

    /// <summary>Every limit the admission store counts (requests, tokens, budget, pricing); null when the key has none.</summary>
    public KeyLimits? Limits { get; init; }

    /// <summary>Compares the presented key's verifier with every accepted one, always all of them, in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> presented, DateTimeOffset now)
    {
        var match = Matches(Current, presented);
        match |= Matches(Pending, presented);
        for (var index = 0; index < Previous.Count; index++)
        {
            var previous = Previous[index];
            match |= Matches(previous.Verifier, presented) && (previous.ExpiresAt is null || now < previous.ExpiresAt.Value);
        }

        return match;
    }

    public override string ToString() => $"ApiKey {Namespace}/{Name} ({KeyId})";

    private static bool Matches(byte[]? verifier, ReadOnlySpan<byte> presented) =>
        verifier is { Length: ClientKeyVerifier.Length } && CryptographicOperations.FixedTimeEquals(verifier, presented);
}
