using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

/// <summary>A raw HTTPS client for the test cluster that trusts only its CA.</summary>
internal sealed class ClusterClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly X509Certificate2 _ca;

    public ClusterClient(TestClusterServer server, string? token = null)
    {
        _ca = X509Certificate2.CreateFromPem(server.CertificateAuthorityPem);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate },
        };
        _http = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? server.Token);
    }

    public HttpClient Http => _http;

    public Task<Reply> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, null, null, accept);

    public Task<Reply> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body, "application/json");

    public Task<Reply> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, body, "application/json");

    public Task<Reply> PatchAsync(string path, object body, string contentType = "application/merge-patch+json") =>
        SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<Reply> DeleteAsync(string path, object? body = null) => SendAsync(HttpMethod.Delete, path, body, "application/json");

    public async Task<Reply> SendAsync(HttpMethod method, string path, object? body, string? contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body switch
            {
                byte[] bytes => new ByteArrayContent(bytes),
                string s => new StringContent(s, Encoding.UTF8),
                JsonNode node => new StringContent(node.ToJsonString(), Encoding.UTF8),
                _ => throw new ArgumentException("unsupported body", nameof(body)),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length > 0 && text[0] is '{' or '[' ? JsonNode.Parse(text) : null, text,
            response.Headers.Select(h => KeyValuePair.Create(h.Key, string.Join(",", h.Value))).ToDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Opens a watch and reads its events as they arrive.</summary>
    public async Task<WatchReader> WatchAsync(string path, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new WatchReader(request, response, await response.Content.ReadAsStreamAsync());
    }

    public void Dispose()
    {
        _http.Dispose();
        _ca.Dispose();
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? _, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}

internal sealed record Reply(HttpStatusCode Status, JsonNode? Json, string Text, Dictionary<string, string> Headers)
{
    public JsonNode Body => Json ?? throw new InvalidOperationException($"no JSON body: {Text}");

    public string? Rv => (string?)Json?["metadata"]?["resourceVersion"];
}

/// <summary>Reads line-delimited watch events with a deadline per event.</summary>
internal sealed class WatchReader : IAsyncDisposable
{
    private readonly HttpRequestMessage _request;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private Task<string?>? _pending;

    public WatchReader(HttpRequestMessage request, HttpResponseMessage response, Stream stream)
    {
        _request = request;
        _response = response;
        _reader = new StreamReader(stream);
    }

    public HttpStatusCode Status => _response.StatusCode;

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<JsonNode?> NextAsync(TimeSpan? timeout = null)
    {
        _pending ??= _reader.ReadLineAsync();
        var line = await _pending.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        _pending = null;
        return line is null ? null : JsonNode.Parse(line);
    }

    /// <summary>Whether an event arrives within <paramref name="window"/> (used to prove silence).</summary>
    public async Task<bool> HasEventWithinAsync(TimeSpan window)
    {
        _pending ??= _reader.ReadLineAsync();
        return await Task.WhenAny(_pending, Task.Delay(window)) == _pending;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _request.Dispose();
        return ValueTask.CompletedTask;
    }
}
