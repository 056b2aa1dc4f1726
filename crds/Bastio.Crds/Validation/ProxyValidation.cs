using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds.Vocabulary;

namespace Bastio.Crds.Validation;

/// <summary>A Proxy spec that passed <see cref="ProxyValidation.Validate"/>, with its values parsed.</summary>
/// <param name="Upstream">The base URL: absolute http(s), no user information, query or fragment.</param>
/// <param name="Timeout">Null when the spec sets none.</param>
public sealed record ValidProxySpec(ProviderKind Provider, Uri Upstream, KeyEnvironment Environment, TimeSpan? Timeout);

/// <summary>The outcome of <see cref="ProxyValidation.Validate"/>: exactly one of <see cref="Valid"/> and <see cref="Problem"/>.</summary>
public sealed record ProxyValidationResult(ValidProxySpec? Valid, SpecProblem? Problem);

/// <summary>
/// Whether a Proxy spec can be served. The operator (the Proxy's Ready condition) and the gateway (whether
/// the snapshot serves the Proxy) both decide with this one function, so they cannot disagree.
/// </summary>
/// <remarks>
/// The upstream is a base URL that request paths are appended to. A query string or fragment would end up
/// in front of, or instead of, every forwarded path, so both are refused rather than guessed at; user
/// information is refused because provider credentials belong in a ProviderKey, and the message never
/// repeats the URL so a password in it does not reach status or Events.
/// </remarks>
public static class ProxyValidation
{
    public const string InvalidProvider = "InvalidProvider";
    public const string InvalidUpstream = "InvalidUpstream";
    public const string InvalidEnvironment = "InvalidEnvironment";
    public const string InvalidTimeout = "InvalidTimeout";

    public static ProxyValidationResult Validate(ProxySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!Providers.TryParse(spec.Provider, out var provider))
        {
            return Refused(InvalidProvider, $"spec.provider '{spec.Provider}' is not one of {Providers.OpenAI}, {Providers.Anthropic}, {Providers.AzureOpenAI}, {Providers.OpenAICompatible}.");
        }

        if (UpstreamProblem(spec.Upstream, out var upstream) is { } upstreamProblem)
        {
            return Refused(InvalidUpstream, upstreamProblem);
        }

        if (!ProxyEnvironments.TryParse(spec.Environment, out var environment))
        {
            return Refused(InvalidEnvironment, $"spec.environment '{spec.Environment}' is not one of {ProxyEnvironments.Production}, {ProxyEnvironments.Staging}, {ProxyEnvironments.Development}.");
        }

        TimeSpan? timeout = null;
        if (spec.Timeout is { Length: > 0 } text)
        {
            if (!GoDuration.TryParse(text, out var parsed) || parsed <= TimeSpan.Zero)
            {
                return Refused(InvalidTimeout, $"spec.timeout '{text}' is not a positive duration such as 300s.");
            }

            timeout = parsed;
        }

        return new ProxyValidationResult(new ValidProxySpec(provider, upstream!, environment, timeout), null);
    }

    /// <summary>The message saying what is wrong with <paramref name="text"/> as an upstream base URL, or null when it is usable.</summary>
    private static string? UpstreamProblem(string? text, out Uri? upstream)
    {
        upstream = null;
        if (string.IsNullOrEmpty(text)
            || !Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            // Not repeated: a string that is not a URL may still carry user:password@.
            return "spec.upstream is not an absolute http(s) URL such as https://api.openai.com/v1.";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "spec.upstream must not carry user information (user:password@); the provider key belongs in a ProviderKey.";
        }

        // Checked on the text: Uri drops an empty '?' or '#', which would still end up in forwarded URLs.
        if (text.Contains('?', StringComparison.Ordinal))
        {
            return "spec.upstream must not have a query string ('?...'): request paths are appended to it, so move any parameter into the request.";
        }

        if (text.Contains('#', StringComparison.Ordinal))
        {
            return "spec.upstream must not have a fragment ('#...'): request paths are appended to it.";
        }

        upstream = parsed;
        return null;
    }

    private static ProxyValidationResult Refused(string reason, string message) => new(null, new SpecProblem(reason, message));
}
