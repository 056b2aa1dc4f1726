using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Serialization;
using Microsoft.AspNetCore.Http;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>Reading request bodies and writing JSON answers in the Kubernetes wire format.</summary>
internal static class HttpJson
{
    public const string ProtobufMediaType = "application/vnd.kubernetes.protobuf";

    /// <summary>Like Go's encoder: only what JSON requires is escaped, so annotations stay readable.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        body.WriteTo(writer);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes a list without copying its (frozen, shared) items into a new tree.</summary>
    public static async Task WriteListAsync(HttpContext context, ResourceType type, IEnumerable<JsonObject> items, JsonObject listMeta)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("kind", type.ListKind);
        writer.WriteString("apiVersion", type.ApiVersion);
        writer.WritePropertyName("metadata");
        listMeta.WriteTo(writer);
        writer.WriteStartArray("items");
        foreach (var item in items)
        {
            Present(type, item).WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, ApiException error)
    {
        if (error.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, error.Code, error.ToStatus());
    }

    /// <summary>An object as the requested version shows it (CRD versions share storage with conversion None; events.k8s.io Events are converted).</summary>
    public static JsonObject Present(ResourceType type, JsonObject stored)
    {
        if (type.StoredAs is not null)
        {
            return type.FromStored(stored);
        }

        if ((string?)stored["apiVersion"] == type.ApiVersion)
        {
            return stored;
        }

        var copy = stored.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    public static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    public static async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceType type)
    {
        var node = await ReadNodeAsync(context, type);
        if (node is not JsonObject obj)
        {
            throw CannotHandle(type, "the body is not a JSON object");
        }

        if (obj["metadata"] is { } meta)
        {
            if (meta is not JsonObject metaObject)
            {
                throw CannotHandle(type, "metadata must be an object");
            }

            foreach (var field in new[] { "name", "generateName", "namespace", "resourceVersion", "uid" })
            {
                if (metaObject[field] is { } value && JsonTree.GetString(value) is null)
                {
                    throw CannotHandle(type, $"metadata.{field} must be a string");
                }
            }
        }

        if (JsonTree.GetString(obj["kind"]) is { Length: > 0 } kind && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind of the provided object ({kind}) does not match the resource ({type.Kind})");
        }

        return obj;
    }

    public static async Task<JsonNode?> ReadNodeAsync(HttpContext context, ResourceType type)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var bytes = buffer.ToArray();
        var mediaType = (context.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        try
        {
            return mediaType switch
            {
                ProtobufMediaType when type.Kind is "ConfigMap" or "Secret" or "Namespace" => ProtobufDecoder.Decode(bytes),
                ProtobufMediaType => throw ApiException.UnsupportedMediaType(
                    $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"),
                "application/apply-patch+yaml" or "application/yaml" => YamlJson.ParseDocuments(System.Text.Encoding.UTF8.GetString(bytes)).FirstOrDefault(),
                _ => bytes.Length == 0 ? null : JsonNode.Parse(bytes),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or YamlDotNet.Core.YamlException)
        {
            throw CannotHandle(type, e.Message);
        }
    }

    private static ApiException CannotHandle(ResourceType type, string why) =>
        ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {why}");
}
