using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Bastio.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// Reads the <c>model</c> of a request body for proxies with <c>allowedModels</c>: a JSON object's
/// top-level <c>model</c>, or the <c>model</c> field of a <c>multipart/form-data</c> upload (audio
/// transcription, image edits). Only these requests are buffered, and only up to
/// <see cref="MaxBodyBytes"/>; the body is then replayed to the upstream unchanged. Anything the
/// upstream could read as a different model than the one checked (a second <c>model</c> in another
/// case, a non-string, text that is not UTF-8) is refused rather than guessed at.
/// </summary>
internal static class ModelReader
{
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The longest JSON spelling of a five-letter name: every letter as a <c>\uXXXX</c> escape.</summary>
    private const int MaxEscapedModelNameBytes = 5 * 6;

    private const string ModelField = "model";

    /// <summary>
    /// The model named by the body, or the error to answer. A request without a body (GET, DELETE)
    /// names no model and passes: it is not asking any model for anything.
    /// </summary>
    public static async Task<(GatewayError? Error, string? Model)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
        {
            return (null, null);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (GatewayErrors.BodyTooLarge, null);
        }

        var contentType = request.ContentType;
        var isJson = contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        string? boundary = null;
        if (!isJson && !TryGetFormBoundary(contentType, out boundary))
        {
            return (GatewayErrors.InvalidJsonBody, null);
        }

        var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (GatewayErrors.BodyTooLarge, null);
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        var body = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        var (error, model) = isJson ? FindModel(body) : await FindFormModelAsync(body, boundary!, cancellationToken).ConfigureAwait(false);
        return error is not null ? (error, null)
            : model is null ? (GatewayErrors.MissingModel, null)
            : (null, model);
    }

    /// <summary>
    /// The top-level string <c>model</c> of a JSON object (null when absent), or why the body is
    /// refused: not a UTF-8 JSON object, more than one top-level name equal to <c>model</c> ignoring
    /// case (however escaped), or a <c>model</c> that is not a string of valid Unicode.
    /// </summary>
    internal static (GatewayError? Error, string? Model) FindModel(ReadOnlySpan<byte> json)
    {
        // JSON is UTF-8 (RFC 8259); a body that is not would be read differently by different upstreams.
        if (!Utf8.IsValid(json))
        {
            return (GatewayErrors.InvalidJsonBody, null);
        }

        string? model = null;
        var seen = false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (GatewayErrors.InvalidJsonBody, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = IsModelName(ref reader);
                reader.Read();
                if (!isModel)
                {
                    reader.Skip();
                    continue;
                }

                if (seen)
                {
                    return (GatewayErrors.AmbiguousModel, null);
                }

                seen = true;
                if (reader.TokenType != JsonTokenType.String)
                {
                    return (GatewayErrors.InvalidModel, null);
                }

                model = reader.GetString();
            }

            // Reading to the end validates the whole document, so a truncated body is refused here.
            var valid = reader.TokenType == JsonTokenType.EndObject && !reader.Read();
            return valid ? (null, model) : (GatewayErrors.InvalidJsonBody, null);
        }
        catch (JsonException)
        {
            return (GatewayErrors.InvalidJsonBody, null);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800") in the model or a top-level name: no upstream reads it as we would.
            return (GatewayErrors.InvalidJsonBody, null);
        }
    }

    /// <summary>Whether the current property name is <c>model</c> in any case, also when spelled with escapes (<c>"mod\u0065l"</c>).</summary>
    private static bool IsModelName(ref Utf8JsonReader reader)
    {
        var name = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return name.Length == ModelField.Length && Ascii.EqualsIgnoreCase(name, "model"u8);
        }

        if (name.Length > MaxEscapedModelNameBytes)
        {
            return false;
        }

        Span<byte> unescaped = stackalloc byte[MaxEscapedModelNameBytes];
        var length = reader.CopyString(unescaped);
        return Ascii.EqualsIgnoreCase(unescaped[..length], "model"u8);
    }

    private static bool TryGetFormBoundary(string? contentType, out string? boundary)
    {
        boundary = null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return true;
    }

    /// <summary>The <c>model</c> field of a multipart form (null when absent), or why the form is refused.</summary>
    private static async Task<(GatewayError? Error, string? Model)> FindFormModelAsync(ArraySegment<byte> body, string boundary, CancellationToken cancellationToken)
    {
        // RFC 2046 §5.1.1: 1 to 70 characters.
        if (boundary is not { Length: > 0 and <= 70 })
        {
            return (GatewayErrors.InvalidMultipartBody, null);
        }

        // A read-only view of the buffered body: the request's own stream stays at 0 for the upstream.
        using var view = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        var reader = new MultipartReader(boundary, view) { BodyLengthLimit = MaxBodyBytes };
        string? model = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { } name)
                {
                    return (GatewayErrors.InvalidMultipartBody, null);
                }

                if (!name.Equals(ModelField, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (model is not null)
                {
                    return (GatewayErrors.AmbiguousModel, null);
                }

                // A field some servers would decode (Content-Transfer-Encoding) could name another model than its raw bytes.
                if (section.Headers?.ContainsKey("Content-Transfer-Encoding") == true)
                {
                    return (GatewayErrors.InvalidModel, null);
                }

                using var value = new MemoryStream();
                await section.Body.CopyToAsync(value, cancellationToken).ConfigureAwait(false);
                var bytes = value.GetBuffer().AsSpan(0, (int)value.Length);
                if (!Utf8.IsValid(bytes))
                {
                    return (GatewayErrors.InvalidModel, null);
                }

                model = Encoding.UTF8.GetString(bytes);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // Truncated or over a limit: MultipartReader's way of saying the form is malformed.
            return (GatewayErrors.InvalidMultipartBody, null);
        }

        return (null, model);
    }
}
