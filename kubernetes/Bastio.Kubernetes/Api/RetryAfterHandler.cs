using System.Net;
using Microsoft.Extensions.Logging;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// Sends a read again when the server answers 429, or a 5xx carrying Retry-After, after the wait it asks
/// for (capped), as client-go does. Writes surface the answer: whether a failed write may be repeated is
/// the caller's decision.
/// </summary>
internal sealed partial class RetryAfterHandler(KubernetesClientOptions options, TimeProvider time, ILogger logger) : DelegatingHandler
{
    // A 429 without Retry-After still asks us to slow down; client-go waits one second then.
    private static readonly TimeSpan DefaultTooManyRequestsDelay = TimeSpan.FromSeconds(1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (request.Method != HttpMethod.Get || attempt > options.MaxReadRetries || RetryDelay(response) is not { } delay)
            {
                return response;
            }

            response.Dispose();
            delay = delay < options.MaxRetryAfter ? delay : options.MaxRetryAfter;
            Log.RetryingRead(logger, request.Method, request.RequestUri?.AbsolutePath, (int)response.StatusCode, delay, attempt);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan? RetryDelay(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => retryAfter ?? DefaultTooManyRequestsDelay,
            >= HttpStatusCode.InternalServerError => retryAfter,
            _ => null,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Debug, "{Method} {Path} answered {StatusCode}; retrying in {Delay} (attempt {Attempt}).")]
        public static partial void RetryingRead(ILogger logger, HttpMethod method, string? path, int statusCode, TimeSpan delay, int attempt);
    }
}
