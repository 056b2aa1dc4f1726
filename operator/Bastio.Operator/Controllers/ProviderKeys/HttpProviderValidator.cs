using System.Net;
using System.Net.Http.Headers;
using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Operator.Configuration;

namespace Bastio.Operator.Controllers.ProviderKeys;

internal sealed class HttpProviderValidator(HttpClient httpClient, OperatorOptions options) : IProviderValidator
{
    /// <summary>The Anthropic API version sent with validation requests.</summary>
    public const string AnthropicVersion = "2023-06-01";

    /// <summary>
    /// The validation client's handler: the gateway's upstream rules (<see cref="UpstreamConnector"/>:
    /// the address policy applied to the address dialled, no redirects, no cookies, no proxy) and its trust.
    /// A redirect is never followed, so a tenant's upstream cannot send the key on to another origin; no
    /// cookie jar exists, so one tenant's check cannot plant a cookie in another's.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(OperatorOptions options)
    {
        var handler = new UpstreamConnector(options.UpstreamAddresses).CreateHandler();
        options.UpstreamTrust.Apply(handler);
        return handler;
    }

    public async Task<ValidationResult> ValidateAsync(Proxy proxy, string providerKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.Spec.Upstream.TrimEnd('/') + "/models");
        switch (proxy.Spec.Provider)
        {
            case Providers.Anthropic:
                request.Headers.TryAddWithoutValidation("x-api-key", providerKey);
                request.Headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
                break;
            case Providers.AzureOpenAI:
                request.Headers.TryAddWithoutValidation("api-key", providerKey);
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", providerKey);
                break;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ValidationTimeout);
        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => new(ValidationOutcome.Valid, $"The provider accepted the key (HTTP {status})."),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new(ValidationOutcome.InvalidCredentials, $"The provider refused the key (HTTP {status})."),

                // The Location is not repeated: it is the upstream's to choose and may name internal addresses.
                _ when status is >= 300 and < 400 => new(ValidationOutcome.Redirected, $"The provider answered HTTP {status}, a redirect; redirects are not followed, so the key is never sent to another address. Point spec.upstream at the final URL."),
                _ => new(ValidationOutcome.Unreachable, $"The provider answered HTTP {status}."),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(ValidationOutcome.Unreachable, $"The provider did not answer within {options.ValidationTimeout.TotalSeconds:0.###}s.");
        }
        catch (HttpRequestException exception) when (Refused(exception))
        {
            return new(ValidationOutcome.UpstreamNotAllowed, "The upstream's host resolves only to addresses the operator may not connect to (loopback, private, link-local...); a cluster administrator can allow them with --upstream-allow-cidrs.");
        }
        catch (HttpRequestException exception)
        {
            // Only the error category: exception texts name resolved addresses and ports, which are the cluster's internal layout.
            return new(ValidationOutcome.Unreachable, $"The provider could not be reached: {exception.HttpRequestError}.");
        }
    }

    private static bool Refused(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is UpstreamAddressNotAllowedException)
            {
                return true;
            }
        }

        return false;
    }
}
