using System.Net;
using Bastio.Core.Keys;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Errors;
using Bastio.Gateway.Routing;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// Checks 2–6 of docs/reference/gateway.md#order-of-checks, in order, without allocating: credential, key, key state, client IP,
/// route permission. Every way a key can be wrong (malformed, bad checksum, unknown id, wrong
/// environment, wrong secret) gives the same <c>invalid_api_key</c>, so the answer is no oracle.
/// </summary>
internal sealed class RequestAuthorizer(TimeProvider time)
{
    public AuthorizationResult Authorize(GatewaySnapshot snapshot, in Credential credential, IPAddress clientIp, GatewayRoute route)
    {
        if (credential.Error is { } missing)
        {
            return new AuthorizationResult(missing, null);
        }

        var presented = credential.Key.Span.Trim();
        var key = Identify(snapshot, presented, credential.PublicId, out var parts);
        if (key is null)
        {
            return new AuthorizationResult(GatewayErrors.InvalidApiKey, null);
        }

        var now = time.GetUtcNow();

        // A revoked key's verifiers are destroyed, so its secret cannot be checked; the key id is public,
        // so saying it is revoked reveals nothing.
        if (key.State == KeyState.Revoked && key.Current is null && key.Pending is null && key.Previous.Count == 0)
        {
            return new AuthorizationResult(GatewayErrors.RevokedApiKey, key);
        }

        Span<byte> verifier = stackalloc byte[ClientKeyVerifier.Length];
        if (!ClientKeyVerifier.TryCompute(presented, verifier) || !key.Verify(verifier, now))
        {
            return new AuthorizationResult(GatewayErrors.InvalidApiKey, null);
        }

        if (key.State != KeyState.Active)
        {
            return new AuthorizationResult(key.State == KeyState.Revoked ? GatewayErrors.RevokedApiKey : GatewayErrors.DisabledApiKey, key);
        }

        if (key.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            return new AuthorizationResult(GatewayErrors.ExpiredApiKey, key);
        }

        if ((key.IpAllowList is { } keyList && !keyList.Contains(clientIp))
            || (key.Proxy.IpAllowList is { } proxyList && !proxyList.Contains(clientIp)))
        {
            return new AuthorizationResult(GatewayErrors.IpNotAllowed, key);
        }

        return route.IsAllowed(key.Permissions)
            ? new AuthorizationResult(null, key)
            : new AuthorizationResult(route.Forbidden, key);
    }

    /// <summary>Parses the key (and the public id of the pair form) and finds its entry; null for any mismatch.</summary>
    private static KeyEntry? Identify(GatewaySnapshot snapshot, ReadOnlySpan<char> presented, string? publicId, out ClientKeyParts parts)
    {
        if (!ClientKey.TryParse(presented, out parts))
        {
            return null;
        }

        if (publicId is not null
            && (!ClientKey.TryParsePublicId(publicId, out var publicEnvironment, out var publicKeyId)
                || publicEnvironment != parts.Environment
                || !publicKeyId.SequenceEqual(parts.KeyId)))
        {
            return null;
        }

        return snapshot.TryGetKey(parts.KeyId, out var key) && key.Proxy.Environment == parts.Environment ? key : null;
    }
}
