using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Bastio.StubUpstream;

/// <summary>
/// A stub OpenAI-compatible (and Anthropic <c>/messages</c>) upstream on loopback. Serves the same
/// routes with and without a <c>/v1</c> base, records what it received, and refuses unknown provider
/// keys with a 401 whose body quotes the key, as real providers do, so tests can prove the gateway
/// never passes that body on. It speaks HTTPS with a certificate of a <see cref="TestCertificateAuthority"/>
/// (plain HTTP only on request) and records the Host header and TLS server name each request came with.
/// </summary>
public sealed class StubUpstreamServer : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly WebApplication _app;
    private readonly TestCertificateAuthority? _ownedAuthority;
    private readonly object _gate = new();
    private readonly Queue<RecordedRequest> _requests = new();
    private TaskCompletionSource _recorded = NewSignal();

    private StubUpstreamServer(WebApplication app, StubUpstreamOptions options, TestCertificateAuthority? authority, TestCertificateAuthority? ownedAuthority)
    {
        _app = app;
        Options = options;
        CertificateAuthority = authority;
        _ownedAuthority = ownedAuthority;
    }

    public StubUpstreamOptions Options { get; }

    /// <summary>The CA clients must trust (<c>--upstream-ca-file</c>); null in plain-HTTP mode.</summary>
    public TestCertificateAuthority? CertificateAuthority { get; }

    public int Port { get; private set; }

    /// <summary>
    /// Root address, e.g. <c>https://localhost:18081</c>: a name, so clients send it as TLS server name
    /// and validate the certificate against it (<c>http://127.0.0.1:18081</c> in plain-HTTP mode).
    /// </summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The address to use as a Proxy's <c>spec.upstream</c>: <see cref="Url"/> + <c>/v1</c>.</summary>
    public Uri BaseUrl => new(Url, "v1");

    /// <summary>Requests received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<StubUpstreamServer> StartAsync(int port = 0, StubUpstreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StubUpstreamOptions();
        var owned = options.PlainHttp || options.CertificateAuthority is not null ? null : TestCertificateAuthority.Create();
        var authority = options.PlainHttp ? null : options.CertificateAuthority ?? owned;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Address), port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (authority is not null)
                {
                    listen.UseHttps(authority.ServerCertificate);
                }
            });
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new StubUpstreamServer(app, options, authority, owned);
        server.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Urls.First());
        server.Port = address.Port;
        server.Url = new Uri(authority is null ? $"http://{options.Address}:{address.Port}/" : $"https://localhost:{address.Port}/");
        return server;
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Waits until a request matching <paramref name="predicate"/> has been received.</summary>
    public async Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> predicate, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                foreach (var request in _requests)
                {
                    if (predicate(request))
                    {
                        return request;
                    }
                }

                signal = _recorded.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _ownedAuthority?.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Map(WebApplication app)
    {
        app.UsePathBase("/v1");

        // Routing must run after the base is stripped, or "/v1/models" would match the fallback.
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            Record(context.Request, body);
            if (Options.ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(Options.ResponseDelay, context.RequestAborted).ConfigureAwait(false);
            }

            if (!IsAuthorized(context.Request, out var presented))
            {
                await WriteUnauthorizedAsync(context.Response, presented).ConfigureAwait(false);
                return;
            }

            JsonDocument? json = null;
            if (body.Length > 0)
            {
                try
                {
                    json = JsonDocument.Parse(body);
                }
                catch (JsonException)
                {
                    await WriteErrorAsync(context.Response, 400, "invalid_request_error", "invalid_json", "We could not parse the JSON body of your request.").ConfigureAwait(false);
                    return;
                }
            }

            using (json)
            {
                context.Items[typeof(JsonDocument)] = json;
                await next(context).ConfigureAwait(false);
            }
        });

        app.MapGet("/models", WriteModelsAsync);
        app.MapPost("/chat/completions", context => ChatAsync(context, Body(context)));
        app.MapPost("/embeddings", context => WriteEmbeddingsAsync(context, Body(context)));
        app.MapPost("/messages", context => WriteMessageAsync(context, Body(context)));
        app.MapFallback(WriteEchoAsync);
    }

    private static JsonElement? Body(HttpContext context) =>
        context.Items[typeof(JsonDocument)] is JsonDocument document ? document.RootElement : null;

    private static string ModelOf(JsonElement? body, string fallback) =>
        body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
            ? model.GetString()!
            : fallback;

    private void Record(HttpRequest request, string body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        var recorded = new RecordedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", headers, body)
        {
            Sni = request.HttpContext.Features.Get<ISslStreamFeature>()?.SslStream.TargetHostName is { Length: > 0 } serverName ? serverName : null,
        };
        Options.RequestLog?.WriteLine($"{recorded.Method} {recorded.Path} host={recorded.Host} sni={recorded.Sni ?? "-"}");
        TaskCompletionSource signal;
        lock (_gate)
        {
            _requests.Enqueue(recorded);
            while (_requests.Count > Options.MaxRecordedRequests)
            {
                _requests.Dequeue();
            }

            signal = _recorded;
            _recorded = NewSignal();
        }

        signal.SetResult();
    }

    private bool IsAuthorized(HttpRequest request, out string? presented)
    {
        presented = request.Headers.Authorization.ToString() is { Length: > 7 } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..]
            : request.Headers["x-api-key"].FirstOrDefault() ?? request.Headers["api-key"].FirstOrDefault();
        var valid = Options.ValidApiKeys;
        return valid.Count == 0 || (presented is not null && valid.Contains(presented));
    }

    private static Task WriteUnauthorizedAsync(HttpResponse response, string? presented)
    {
        // Real providers echo a fragment of the refused key; the stub echoes all of it so a leak is obvious.
        var message = presented is null
            ? "You didn't provide an API key."
            : $"Incorrect API key provided: {presented}. You can find your API key at https://platform.openai.com/account/api-keys.";
        return WriteErrorAsync(response, 401, "invalid_request_error", "invalid_api_key", message);
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string type, string code, string message)
    {
        response.StatusCode = status;
        await WriteJsonAsync(response, writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            writer.WriteString("code", code);
            writer.WriteNull("param");
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        response.ContentType = "application/json";
        var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).ConfigureAwait(false);
    }

    private Task WriteModelsAsync(HttpContext context) => WriteJsonAsync(context.Response, writer =>
    {
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (var model in Options.Models)
        {
            writer.WriteStartObject();
            writer.WriteString("id", model);
            writer.WriteString("object", "model");
            writer.WriteNumber("created", 1_700_000_000);
            writer.WriteString("owned_by", "stub");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private void WriteUsage(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", Options.PromptTokens);
        writer.WriteNumber("completion_tokens", Options.CompletionTokens);
        writer.WriteNumber("total_tokens", Options.PromptTokens + Options.CompletionTokens);
        writer.WriteEndObject();
    }

    private Task ChatAsync(HttpContext context, JsonElement? body)
    {
        var model = ModelOf(body, "gpt-4o-mini");
        var stream = body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("stream", out var flag) && flag.ValueKind == JsonValueKind.True;
        return stream ? StreamChatAsync(context, model) : WriteChatAsync(context.Response, model);
    }

    private Task WriteChatAsync(HttpResponse response, string model) => WriteJsonAsync(response, writer =>
    {
        writer.WriteString("id", "chatcmpl-stub");
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", 1_700_000_000);
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", string.Concat(Options.ContentChunks));
        writer.WriteEndObject();
        writer.WriteString("finish_reason", "stop");
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer);
    });

    private async Task StreamChatAsync(HttpContext context, string model)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var chunks = Options.ContentChunks;
        for (var index = 0; index <= chunks.Count; index++)
        {
            if (index > 0)
            {
                if (Options.BeforeChunk is { } beforeChunk)
                {
                    await beforeChunk(index, cancellationToken).ConfigureAwait(false);
                }

                if (Options.ChunkDelay > TimeSpan.Zero)
                {
                    await Task.Delay(Options.ChunkDelay, cancellationToken).ConfigureAwait(false);
                }
            }

            var content = index < chunks.Count ? chunks[index] : null;
            await WriteEventAsync(response, writer =>
            {
                writer.WriteString("id", "chatcmpl-stub");
                writer.WriteString("object", "chat.completion.chunk");
                writer.WriteNumber("created", 1_700_000_000);
                writer.WriteString("model", model);
                writer.WriteStartArray("choices");
                if (content is not null)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index", 0);
                    writer.WriteStartObject("delta");
                    writer.WriteString("content", content);
                    writer.WriteEndObject();
                    writer.WriteNull("finish_reason");
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (content is null)
                {
                    WriteUsage(writer);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        await response.WriteAsync("data: [DONE]\n\n", cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        buffer.Write("data: "u8);
        await using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task WriteEmbeddingsAsync(HttpContext context, JsonElement? body)
    {
        var inputs = body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array
            ? input.GetArrayLength()
            : 1;
        return WriteJsonAsync(context.Response, writer =>
        {
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var index = 0; index < inputs; index++)
            {
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", index);
                writer.WriteStartArray("embedding");
                writer.WriteNumberValue(0.1);
                writer.WriteNumberValue(-0.2);
                writer.WriteNumberValue(0.3);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", ModelOf(body, "text-embedding-3-small"));
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", Options.PromptTokens);
            writer.WriteNumber("total_tokens", Options.PromptTokens);
            writer.WriteEndObject();
        });
    }

    private Task WriteMessageAsync(HttpContext context, JsonElement? body) => WriteJsonAsync(context.Response, writer =>
    {
        writer.WriteString("id", "msg_stub");
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteStartArray("content");
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", string.Concat(Options.ContentChunks));
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("model", ModelOf(body, "claude-3-5-haiku-latest"));
        writer.WriteString("stop_reason", "end_turn");
        writer.WriteNull("stop_sequence");
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", Options.PromptTokens);
        writer.WriteNumber("output_tokens", Options.CompletionTokens);
        writer.WriteEndObject();
    });

    /// <summary>Any other route answers 200 so gateway tests can exercise every permission route.</summary>
    private static Task WriteEchoAsync(HttpContext context) => WriteJsonAsync(context.Response, writer =>
    {
        writer.WriteString("object", "stub.echo");
        writer.WriteString("method", context.Request.Method);
        writer.WriteString("path", context.Request.Path.Value);
    });
}
