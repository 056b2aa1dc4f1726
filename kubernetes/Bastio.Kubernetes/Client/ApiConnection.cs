using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Bastio.Kubernetes.Client;

/// <summary>One request as data, so that it can be rebuilt for a retry (a sent HttpRequestMessage cannot be resent).</summary>
internal sealed record ApiRequest(HttpMethod Method, string PathAndQuery, ReadOnlyMemory<byte>? Body = null, string? MediaType = null)
{
    /// <summary>Reads may be repeated after a 429 or a 5xx with Retry-After; writes surface the error.</summary>
    public bool IsRead => Method == HttpMethod.Get;
}

/// <summary>
/// The transport shared by all resource clients: rate limiting, authentication, deadlines, the 401
/// token refresh, read retries and error mapping. Every answer it returns is a success.
/// </summary>
internal sealed partial class ApiConnection : IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly TokenProvider? _tokens;
    private readonly TokenBucketRateLimiter _limiter;
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ApiConnection(Uri server, HttpMessageHandler handler, TokenProvider? tokens, KubernetesClientOptions options, TimeProvider time, ILogger logger)
    {
        // Deadlines are enforced per request below; a client-wide timeout would also cut long watches.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        Server = server;
        _baseAddress = new Uri(server.AbsoluteUri.EndsWith('/') ? server.AbsoluteUri : server.AbsoluteUri + "/");

        // client-go sends credentials only over TLS; a plain-http server gets none.
        _tokens = server.Scheme == Uri.UriSchemeHttps ? tokens : null;
        _options = options;
        _time = time;
        _logger = logger;
        _limiter = new TokenBucketRateLimiter(options.Qps, options.Burst, time);
    }

    public Uri Server { get; }

    /// <summary>
    /// Sends <paramref name="request"/>. With <paramref name="streaming"/> the body is left unread for
    /// the caller and the deadline covers only the response headers; otherwise the whole answer is
    /// buffered within the deadline. The caller disposes the returned response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(ApiRequest request, bool streaming, CancellationToken cancellationToken)
    {
        var retries = 0;
        var tokenRefreshed = false;
        while (true)
        {
            await _limiter.WaitAsync(cancellationToken);
            var response = await SendOnceAsync(request, streaming, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            KubernetesApiException error;
            using (response)
            {
                error = await ApiErrors.FromResponseAsync(response, _time.GetUtcNow(), cancellationToken);
            }

            if (error is UnauthorizedException && !tokenRefreshed && _tokens is { CanRefresh: true })
            {
                // The request was refused before it had any effect, so repeating it is safe even for writes.
                tokenRefreshed = true;
                _tokens.Refresh();
                Log.RetryingWithNewToken(_logger, request.Method, request.PathAndQuery);
                continue;
            }

            if (request.IsRead && retries < _options.MaxReadRetries && ApiErrors.RetryAfter(error) is { } retryAfter)
            {
                retries++;
                var delay = retryAfter < _options.MaxRetryAfter ? retryAfter : _options.MaxRetryAfter;
                Log.RetryingRead(_logger, request.Method, request.PathAndQuery, (int)error.StatusCode, delay, retries);
                await Task.Delay(delay, _time, cancellationToken);
                continue;
            }

            throw error;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendOnceAsync(ApiRequest request, bool streaming, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, new Uri(_baseAddress, request.PathAndQuery));
        message.Headers.Accept.Add(Json);
        if (_tokens is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.GetToken());
        }

        if (request.Body is { } body)
        {
            message.Content = new ReadOnlyMemoryContent(body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.MediaType ?? "application/json");
        }

        using var deadline = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var completion = streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
            return await _http.SendAsync(message, completion, linked.Token);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {PathOf(request)} got no answer within {_options.RequestTimeout}.", e);
        }
    }

    private static string PathOf(ApiRequest request)
    {
        var query = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? request.PathAndQuery : request.PathAndQuery[..query];
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Method} {Path} was refused with 401; re-read the token file and retrying once.")]
        public static partial void RetryingWithNewToken(ILogger logger, HttpMethod method, string path);

        [LoggerMessage(2, LogLevel.Debug, "{Method} {Path} answered {StatusCode}; retrying in {Delay} (attempt {Attempt}).")]
        public static partial void RetryingRead(ILogger logger, HttpMethod method, string path, int statusCode, TimeSpan delay, int attempt);
    }
}
