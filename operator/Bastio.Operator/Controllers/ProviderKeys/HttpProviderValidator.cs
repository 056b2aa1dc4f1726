using System.Net;
using System.Net.Http.Headers;
using Bastio.Crds;
using Bastio.Operator.Configuration;

namespace Bastio.Operator.Controllers.ProviderKeys;

internal sealed class HttpProviderValidator(HttpClient httpClient, OperatorOptions options) : IProviderValidator
{
    /// <summary>The Anthropic API version sent with validation requests.</summary>
    public const string AnthropicVersion = "2023-06-01";

    public async Task<ValidationResult> ValidateAsync(Proxy proxy, string providerKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.Spec.Upstream.TrimEnd('/') + "/models");
        switch (proxy.Spec.Provider)
        {
            case ProxyProviders.Anthropic:
                request.Headers.TryAddWithoutValidation("x-api-key", providerKey);
                request.Headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
                break;
            case ProxyProviders.AzureOpenAI:
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
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => new(ValidationOutcome.Valid, $"The provider accepted the key (HTTP {(int)response.StatusCode})."),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new(ValidationOutcome.InvalidCredentials, $"The provider refused the key (HTTP {(int)response.StatusCode})."),
                _ => new(ValidationOutcome.Unreachable, $"The provider answered HTTP {(int)response.StatusCode}."),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(ValidationOutcome.Unreachable, $"The provider did not answer within {options.ValidationTimeout.TotalSeconds:0.###}s.");
        }
        catch (HttpRequestException exception)
        {
            // The exception text names host and socket error only; it never contains request headers.
            return new(ValidationOutcome.Unreachable, $"The provider could not be reached: {exception.HttpRequestError}.");
        }
    }
}
