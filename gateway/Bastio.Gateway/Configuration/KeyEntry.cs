using System.Security.Cryptography;
using Bastio.Core.Keys;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;

namespace Bastio.Gateway.Configuration;

public enum KeyState
{
    Active,
    Disabled,
    Revoked,
}

/// <summary>
/// An ApiKey as the gateway serves it: the decrypted verifiers (never the key) and everything the
/// checks need, resolved once at snapshot build so a request does no parsing.
/// </summary>
public sealed class KeyEntry
{
    public required string KeyId { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required ProxyEntry Proxy { get; init; }

    public required KeyState State { get; init; }

    /// <summary>SHA-256 verifiers accepted right now, except <see cref="Previous"/> after <see cref="PreviousExpiresAt"/>.</summary>
    public byte[]? Current { get; init; }

    public byte[]? Pending { get; init; }

    public byte[]? Previous { get; init; }

    public DateTimeOffset? PreviousExpiresAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public Permissions Permissions { get; init; } = PermissionNames.Default;

    public IpAllowList? IpAllowList { get; init; }

    /// <summary>Null when the key has no rate limit.</summary>
    public TokenBucket? Bucket { get; init; }

    /// <summary>Every limit the admission store counts (requests, tokens, budget, pricing); null when the key has none.</summary>
    public KeyLimits? Limits { get; init; }

    /// <summary>Compares the presented key's verifier with every accepted one, always all of them, in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> presented, DateTimeOffset now)
    {
        var previousValid = PreviousExpiresAt is null || now < PreviousExpiresAt.Value;
        var match = Matches(Current, presented);
        match |= Matches(Pending, presented);
        match |= Matches(Previous, presented) && previousValid;
        return match;
    }

    public override string ToString() => $"ApiKey {Namespace}/{Name} ({KeyId})";

    private static bool Matches(byte[]? verifier, ReadOnlySpan<byte> presented) =>
        verifier is { Length: ClientKeyVerifier.Length } && CryptographicOperations.FixedTimeEquals(verifier, presented);
}
