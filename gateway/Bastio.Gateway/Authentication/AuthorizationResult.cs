using Bastio.Gateway.Configuration;
using Bastio.Gateway.Errors;

namespace Bastio.Gateway.Authentication;

/// <summary>The outcome of checks 2–6: the key, or the first failure (with the key when it is known).</summary>
public readonly record struct AuthorizationResult(GatewayError? Error, KeyEntry? Key)
{
    public bool Succeeded => Error is null;
}
