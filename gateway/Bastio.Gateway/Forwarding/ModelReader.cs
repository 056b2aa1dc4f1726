using System.Text.Json;
using Bastio.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.Forwarding;

/// <summary>
/// Reads the <c>model</c> of a JSON request body for proxies with <c>allowedModels</c>. Only these
/// requests are buffered, and only up to <see cref="MaxBodyBytes"/>; the body is then replayed to
/// the upstream unchanged.
/// </summary>
public static class ModelReader
{
    public const int MaxBodyBytes = 1024 * 1024;

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

        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
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
        var model = FindModel(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var valid);
        return !valid ? (GatewayErrors.InvalidJsonBody, null)
            : model is null ? (GatewayErrors.MissingModel, null)
            : (null, model);
    }

    /// <summary>The top-level string <c>model</c>; <paramref name="valid"/> is false unless the body is a JSON object.</summary>
    internal static string? FindModel(ReadOnlySpan<byte> json, out bool valid)
    {
        valid = false;
        string? model = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    model = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            // Reading to the end validates the whole document, so a truncated body is refused here.
            valid = reader.TokenType == JsonTokenType.EndObject && !reader.Read();
            return model;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
