using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.Errors;

/// <summary>Writes <c>{"error": {"message", "type", "code", "param": null, "details"?}}</c>.</summary>
internal static class ErrorResponseWriter
{
    public const string ShouldRetryHeader = "x-should-retry";

    /// <summary>
    /// Writes <paramref name="error"/> as the whole response. <paramref name="details"/> writes the
    /// members of the <c>details</c> object when the error has any.
    /// </summary>
    public static Task WriteAsync<TState>(HttpResponse response, GatewayError error, TState state, Action<Utf8JsonWriter, TState>? details)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.NoRetry)
        {
            response.Headers[ShouldRetryHeader] = "false";
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", error.Message);
            writer.WriteString("type", error.Type);
            writer.WriteString("code", error.Code);
            writer.WriteNull("param");
            if (details is not null)
            {
                writer.WriteStartObject("details");
                details(writer, state);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    public static Task WriteAsync(HttpResponse response, GatewayError error) => WriteAsync<object?>(response, error, null, null);
}
