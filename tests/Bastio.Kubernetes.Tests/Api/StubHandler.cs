using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Bastio.Kubernetes.Api;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Tests.Api;

/// <summary>
/// The innermost handler of the official client's pipeline in these tests: answers from a script instead of
/// the network and records what was sent (bodies included).
/// </summary>
internal sealed class StubHandler(Func<RecordedRequest, int, HttpResponseMessage> respond) : DelegatingHandler
{
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static HttpResponseMessage Json(HttpStatusCode code, string json) =>
        new(code) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Content?.Headers.ContentType?.MediaType,
            body);
        Requests.Enqueue(recorded);
        var response = respond(recorded, Requests.Count);
        response.RequestMessage = request;
        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string? Body)
{
    public string PathAndQuery => Uri.PathAndQuery;
}

internal static class StubClient
{
    /// <summary>The official client with the product's handlers (<see cref="KubernetesConnection"/>'s), over <paramref name="handler"/>.</summary>
    public static IKubernetes Create(StubHandler handler, TimeProvider? time = null, KubernetesClientOptions? options = null)
    {
        options ??= new KubernetesClientOptions { Qps = 0 };
        time ??= TimeProvider.System;
        var configuration = new KubernetesClientConfiguration { Host = "https://127.0.0.1:6443", AccessToken = "test-token" };
        return new k8s.Kubernetes(
            configuration,
            new RetryAfterHandler(options, time, NullLogger.Instance),
            new RateLimitHandler(new TokenBucketRateLimiter(options.Qps, options.Burst, time)),
            handler);
    }
}
