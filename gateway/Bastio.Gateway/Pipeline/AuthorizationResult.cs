using Bastio.Gateway.Configuration;
using Bastio.Gateway.Errors;

namespace Bastio.Gateway.Pipeline;

/// <summary>The outcome of checks 2–6: the key, or the first failure (with the key when it is known).</summary>
internal readonly record struct AuthorizationResult(GatewayError? Error, KeyEntry? Key)
{
    public bool Succeeded => Error is null;
}
