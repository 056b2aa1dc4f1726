using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>With <c>allowedModels</c>, the model the upstream reads is the model the gateway checked, in JSON and multipart bodies.</summary>
public sealed class ModelCheckTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("limited", spec => spec.AllowedModels = ["gpt-4o-mini", "whisper-1"]);
        (_, _key) = await _env.CreateApiKeyAsync("app", "limited", spec => spec.Permissions = ["chat", "audio", "images"]);
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Json_bodies_an_upstream_could_read_as_another_model_get_a_400_never_a_500()
    {
        var open = "{\"model\":\"gpt-4o-mini"u8.ToArray();
        var close = "\",\"messages\":[]}"u8.ToArray();
        var cases = new (string What, byte[] Body, string Code)[]
        {
            ("model twice", Utf8("{\"model\":\"gpt-4o-mini\",\"messages\":[],\"model\":\"gpt-4o\"}"), "ambiguous_model"),
            ("model and Model", Utf8("{\"model\":\"gpt-4o-mini\",\"Model\":\"gpt-4o\"}"), "ambiguous_model"),
            ("escaped second model", Utf8("{\"model\":\"gpt-4o-mini\",\"\\u006dodel\":\"gpt-4o\"}"), "ambiguous_model"),
            ("model a number", Utf8("{\"model\":4,\"messages\":[]}"), "invalid_model"),
            ("model an array", Utf8("{\"model\":[\"gpt-4o-mini\",\"gpt-4o\"]}"), "invalid_model"),
            ("lone surrogate", Utf8("{\"model\":\"gpt-4o-mini\\ud800\"}"), "invalid_json"),
            ("invalid utf-8", [.. open, 0xFF, .. close], "invalid_json"),
            ("truncated utf-8", [.. open, 0xE2, 0x82, .. close], "invalid_json"),
            ("byte order mark", [0xEF, 0xBB, 0xBF, .. open, .. close], "invalid_json"),
            ("comment", Utf8("{\"model\":\"gpt-4o-mini\" /*,\"model\":\"gpt-4o\"*/}"), "invalid_json"),
            ("trailing comma", Utf8("{\"model\":\"gpt-4o-mini\",}"), "invalid_json"),
            ("deep nesting", Utf8("{\"model\":\"gpt-4o-mini\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}"), "invalid_json"),
        };

        foreach (var (what, body, code) in cases)
        {
            using var response = await PostAsync("/v1/chat/completions", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, what);
            var error = await GatewayTestEnvironment.ErrorOf(response);
            error.GetProperty("code").GetString().Should().Be(code, what);
            error.GetProperty("type").GetString().Should().Be("invalid_request_error", what);
        }

        _env.Stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_multipart_upload_with_an_allowed_model_is_forwarded_byte_for_byte()
    {
        using var form = Transcription("whisper-1");
        var sent = await form.ReadAsStringAsync();
        var contentType = form.Headers.ContentType!.ToString();

        using var response = await PostAsync("/v1/audio/transcriptions", form);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        received.Path.Should().Be("/audio/transcriptions");
        received.Body.Should().Be(sent);
        received.Header("Content-Type").Should().Be(contentType);
    }

    [Fact]
    public async Task Multipart_uploads_have_their_model_field_checked()
    {
        var cases = new (string What, Func<HttpContent> Form, HttpStatusCode Status, string Code)[]
        {
            ("model not allowed", () => Transcription("gpt-4o"), HttpStatusCode.Forbidden, "model_not_allowed"),
            ("model twice", () => Transcription("whisper-1", ("model", "gpt-4o")), HttpStatusCode.BadRequest, "ambiguous_model"),
            ("model and Model", () => Transcription("whisper-1", ("Model", "gpt-4o")), HttpStatusCode.BadRequest, "ambiguous_model"),
            ("no model", () => Transcription(null), HttpStatusCode.BadRequest, "missing_model"),
            ("not UTF-8", () => Form(new ByteArrayContent([0x77, 0xFF]), "model"), HttpStatusCode.BadRequest, "invalid_model"),
            ("no closing boundary", () => new ByteArrayContent(Utf8("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"))
            {
                Headers = { ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b") },
            }, HttpStatusCode.BadRequest, "invalid_multipart"),
            ("no boundary", () => new ByteArrayContent(Utf8("model=whisper-1")) { Headers = { ContentType = MediaTypeHeaderValue.Parse("multipart/form-data") } }, HttpStatusCode.BadRequest, "invalid_multipart"),
        };

        foreach (var (what, form, status, code) in cases)
        {
            using var content = form();
            using var response = await PostAsync("/v1/audio/transcriptions", content);

            response.StatusCode.Should().Be(status, what);
            (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be(code, what);
        }

        _env.Stub.Requests.Should().BeEmpty();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static MultipartFormDataContent Transcription(string? model, params (string Name, string Value)[] more)
    {
        // The order the SDKs use: the file first, then the fields, so the model cannot be read from the head of the body.
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Utf8("RIFF fake wave data")) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "speech.wav");
        if (model is not null)
        {
            form.Add(new StringContent(model), "model");
        }

        foreach (var (name, value) in more)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static MultipartFormDataContent Form(HttpContent part, string name) => new() { { part, name } };

    private async Task<HttpResponseMessage> PostAsync(string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return await _env.Http.SendAsync(request);
    }
}
