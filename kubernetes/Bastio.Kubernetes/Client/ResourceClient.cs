using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Client;

internal sealed class ResourceClient<T>(ApiConnection connection, ResourceType type, JsonTypeInfo<T> typeInfo, JsonTypeInfo<KubernetesList<T>> listTypeInfo)
    : IResourceClient<T>
    where T : class, IKubernetesObject
{
    public ResourceType Type => type;

    public async Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default)
    {
        var path = ItemPath(ns, name);
        using var response = await connection.SendAsync(new ApiRequest(HttpMethod.Get, path), streaming: false, cancellationToken);
        return await ReadObjectAsync(response, path, cancellationToken);
    }

    public async Task<T?> TryGetAsync(string? ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(ns, name, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public async Task<KubernetesList<T>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryBuilder()
            .Add("labelSelector", options?.LabelSelector)
            .Add("fieldSelector", options?.FieldSelector)
            .Add("limit", options?.Limit?.ToString(CultureInfo.InvariantCulture))
            .Add("continue", options?.Continue)
            .Add("resourceVersion", options?.ResourceVersion);
        var path = CollectionPath(ns) + query;
        using var response = await connection.SendAsync(new ApiRequest(HttpMethod.Get, path), streaming: false, cancellationToken);
        var list = await ReadAsync(response, listTypeInfo, path, cancellationToken);

        // Servers may omit kind and apiVersion on list items; callers building owner references need them.
        foreach (var item in list.Items)
        {
            FillTypeMeta(item);
        }

        return list;
    }

    public async Task<KubernetesList<T>> ListAllAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var first = await ListAsync(ns, options, cancellationToken);
        var page = first;
        while (!string.IsNullOrEmpty(page.Metadata.Continue))
        {
            try
            {
                // The continue token pins the snapshot; the server refuses a resourceVersion alongside it.
                page = await ListAsync(ns, (options ?? new ListOptions()) with { Continue = page.Metadata.Continue, ResourceVersion = null }, cancellationToken);
            }
            catch (GoneException)
            {
                // The token outlived the server's history: like client-go's pager, fall back to one full list.
                return await ListAsync(ns, (options ?? new ListOptions()) with { Limit = null, Continue = null }, cancellationToken);
            }

            first.Items.AddRange(page.Items);
        }

        first.Metadata.Continue = null;
        first.Metadata.RemainingItemCount = null;
        return first;
    }

    public Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var path = CollectionPath(RequireScope(obj.Metadata.Namespace)) + WriteQuery(options);
        return WriteAsync(HttpMethod.Post, path, Serialize(obj), "application/json", cancellationToken);
    }

    public Task<T> ReplaceAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        ReplaceAsync(obj, subresource: null, options, cancellationToken);

    public Task<T> ReplaceStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        ReplaceAsync(obj, subresource: "status", options, cancellationToken);

    public Task<T> PatchAsync(string? ns, string name, PatchType patchType, string patchJson, bool status = false, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patchJson);
        var mediaType = patchType switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.Json => "application/json-patch+json",
            PatchType.StrategicMerge => "application/strategic-merge-patch+json",
            _ => throw new ArgumentOutOfRangeException(nameof(patchType), patchType, "Unknown patch type."),
        };
        var path = ItemPath(ns, name, status ? "status" : null) + WriteQuery(options);
        return WriteAsync(HttpMethod.Patch, path, Encoding.UTF8.GetBytes(patchJson), mediaType, cancellationToken);
    }

    public async Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = ItemPath(ns, name);
        var request = new ApiRequest(HttpMethod.Delete, path, DeleteBody(options), "application/json");
        using var response = await connection.SendAsync(request, streaming: false, cancellationToken);
        using var document = await ReadDocumentAsync(response, path, cancellationToken);

        // Core kinds answer a finished deletion with a Status; custom resources answer with the object's
        // final state either way, so only a deletionTimestamp with something still holding it means "still there".
        if (document.RootElement.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status"u8))
        {
            return null;
        }

        var obj = Deserialize(document.RootElement, typeInfo, path);
        var held = obj.Metadata.Finalizers is { Count: > 0 } || obj.Metadata.DeletionGracePeriodSeconds is > 0;
        return obj.Metadata.DeletionTimestamp is not null && held ? obj : null;
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Spread over 5-10 minutes as client-go does, so that many watchers do not all reconnect together.
        var timeout = options.Timeout ?? TimeSpan.FromSeconds(Random.Shared.Next(300, 601));
        var query = new QueryBuilder()
            .Add("watch", "true")
            .Add("resourceVersion", options.ResourceVersion)
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null)
            .Add("timeoutSeconds", ((long)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        var path = CollectionPath(ns) + query;
        using var response = await connection.SendAsync(new ApiRequest(HttpMethod.Get, path), streaming: true, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return ParseEvent(line, path);
            }
        }
    }

    private WatchEvent<T> ParseEvent(string line, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The watch on {type.QualifiedName} sent a line that is not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("object", out var objectElement) || objectElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The watch on {type.QualifiedName} sent an event without a type and an object.");
            }

            var eventType = typeElement.GetString() switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                "ERROR" => throw ApiErrors.FromStatus(Deserialize(objectElement, KubernetesJsonContext.Default.Status, path)),
                var other => throw new InvalidDataException($"The watch on {type.QualifiedName} sent an unknown event type '{other}'."),
            };

            var obj = Deserialize(objectElement, typeInfo, path);
            FillTypeMeta(obj);
            return new WatchEvent<T>(eventType, obj);
        }
    }

    private async Task<T> ReplaceAsync(T obj, string? subresource, WriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var path = ItemPath(obj.Metadata.Namespace, RequireName(obj.Metadata.Name), subresource) + WriteQuery(options);
        return await WriteAsync(HttpMethod.Put, path, Serialize(obj), "application/json", cancellationToken);
    }

    private async Task<T> WriteAsync(HttpMethod method, string path, ReadOnlyMemory<byte> body, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await connection.SendAsync(new ApiRequest(method, path, body, mediaType), streaming: false, cancellationToken);
        return await ReadObjectAsync(response, path, cancellationToken);
    }

    private async Task<T> ReadObjectAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var obj = await ReadAsync(response, typeInfo, path, cancellationToken);
        FillTypeMeta(obj);
        return obj;
    }

    private byte[] Serialize(T obj)
    {
        FillTypeMeta(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, typeInfo);
    }

    private void FillTypeMeta(T obj)
    {
        obj.ApiVersion ??= type.ApiVersion;
        obj.Kind ??= type.Kind;
    }

    private static async Task<TValue> ReadAsync<TValue>(HttpResponseMessage response, JsonTypeInfo<TValue> info, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(info, cancellationToken)
                ?? throw new InvalidDataException($"The API server answered {PathOnly(path)} with null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The API server's answer to {PathOnly(path)} is not a valid {typeof(TValue).Name}: {e.Message}", e);
        }
    }

    private static TValue Deserialize<TValue>(JsonElement element, JsonTypeInfo<TValue> info, string path)
    {
        try
        {
            return element.Deserialize(info) ?? throw new InvalidDataException($"The API server answered {PathOnly(path)} with null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The API server's answer to {PathOnly(path)} is not a valid {typeof(TValue).Name}: {e.Message}", e);
        }
    }

    private static string PathOnly(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }

    private static async Task<JsonDocument> ReadDocumentAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The API server's answer to {PathOnly(path)} is not JSON: {e.Message}", e);
        }
    }

    private static string WriteQuery(WriteOptions? options) => new QueryBuilder()
        .Add("fieldManager", options?.FieldManager)
        .Add("dryRun", options?.DryRun == true ? "All" : null)
        .ToString();

    private static byte[] DeleteBody(DeleteOptions? options)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "DeleteOptions");
            writer.WriteString("apiVersion", "v1");
            if (options?.PropagationPolicy is { } policy)
            {
                writer.WriteString("propagationPolicy", policy.ToString());
            }

            if (options?.GracePeriodSeconds is { } grace)
            {
                writer.WriteNumber("gracePeriodSeconds", grace);
            }

            if (options?.PreconditionUid is not null || options?.PreconditionResourceVersion is not null)
            {
                writer.WriteStartObject("preconditions");
                if (options.PreconditionUid is { } uid)
                {
                    writer.WriteString("uid", uid);
                }

                if (options.PreconditionResourceVersion is { } resourceVersion)
                {
                    writer.WriteString("resourceVersion", resourceVersion);
                }

                writer.WriteEndObject();
            }

            if (options?.DryRun == true)
            {
                writer.WriteStartArray("dryRun");
                writer.WriteStringValue("All");
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private string CollectionPath(string? ns)
    {
        var prefix = type.Group.Length == 0 ? $"api/{type.Version}" : $"apis/{type.Group}/{type.Version}";
        if (!type.Namespaced)
        {
            if (ns is not null)
            {
                throw new ArgumentException($"{type.QualifiedName} is cluster-scoped: pass no namespace.", nameof(ns));
            }

            return $"{prefix}/{type.Plural}";
        }

        return ns is null ? $"{prefix}/{type.Plural}" : $"{prefix}/namespaces/{Segment(ns, "namespace")}/{type.Plural}";
    }

    private string ItemPath(string? ns, string name, string? subresource = null)
    {
        var path = $"{CollectionPath(RequireScope(ns))}/{Segment(RequireName(name), "name")}";
        return subresource is null ? path : $"{path}/{subresource}";
    }

    private string? RequireScope(string? ns) =>
        type.Namespaced && string.IsNullOrEmpty(ns)
            ? throw new ArgumentException($"{type.QualifiedName} is namespaced: a namespace is required.", nameof(ns))
            : ns;

    private static string RequireName(string? name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("An object name is required.", nameof(name)) : name;

    // Names are DNS labels or subdomains, but a malformed one must not be able to walk to another path.
    private static string Segment(string value, string what) =>
        value is "." or ".." || value.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException($"'{value}' is not a valid {what}.", what)
            : Uri.EscapeDataString(value);
}

/// <summary>Builds <c>?a=b&amp;c=d</c>, skipping null values.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _query = new();

    public QueryBuilder Add(string name, string? value)
    {
        if (value is not null)
        {
            _query.Append(_query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return this;
    }

    public override string ToString() => _query.ToString();
}
