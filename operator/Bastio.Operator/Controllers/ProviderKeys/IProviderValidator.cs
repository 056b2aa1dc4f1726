using Bastio.Crds;

namespace Bastio.Operator.Controllers.ProviderKeys;

internal enum ValidationOutcome
{
    /// <summary>The provider accepted the key.</summary>
    Valid,

    /// <summary>The provider answered 401 or 403.</summary>
    InvalidCredentials,

    /// <summary>No usable answer: network error, timeout or another status.</summary>
    Unreachable,

    /// <summary>The provider answered a redirect, which is not followed (the key would go to another address).</summary>
    Redirected,

    /// <summary>The upstream resolves only to addresses the <c>--upstream-allow-cidrs</c> policy refuses; nothing was sent.</summary>
    UpstreamNotAllowed,
}

/// <summary>What a validation found; <see cref="Detail"/> is safe to show (never the provider's body: it may echo key fragments).</summary>
internal sealed record ValidationResult(ValidationOutcome Outcome, string Detail);

/// <summary>Checks a provider key against its provider: <c>GET {upstream}/models</c> with the provider's auth header.</summary>
internal interface IProviderValidator
{
    Task<ValidationResult> ValidateAsync(Proxy proxy, string providerKey, CancellationToken cancellationToken);
}
