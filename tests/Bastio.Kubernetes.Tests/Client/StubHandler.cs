using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Configuration;

namespace Bastio.Kubernetes.Tests.Client;

/// <summary>An HTTP handler answering from a script and recording what was sent (bodies included).</summary>
internal sealed class StubHandler(Func<RecordedRequest, int, HttpResponseMessage> respond) : HttpMessageHandler
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
    public static KubernetesClient Create(
        StubHandler handler,
        TimeProvider? time = null,
        KubernetesClientOptions? options = null,
        string? token = "test-token",
        string? tokenFile = null,
        string server = "https://127.0.0.1:6443") =>
        new(
            new KubernetesClientConfiguration { Server = new Uri(server), Token = token, TokenFile = tokenFile },
            options ?? new KubernetesClientOptions { Qps = 0 },
            handler,
            logger: null,
            time);
}
