using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>
/// The request pipeline: injected faults, bearer-token authentication, routing to discovery,
/// OpenAPI and resource endpoints, and every failure answered as a Kubernetes Status.
/// </summary>
internal sealed partial class ApiHandler
{
    private readonly ResourceRegistry _registry;
    private readonly ResourceEndpoints _resources;
    private readonly OpenApiDocuments _openApi;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly byte[] _token;
    private readonly ILogger _logger;

    public ApiHandler(ResourceRegistry registry, ResourceEndpoints resources, FaultInjector faults, TimeProvider time, string token, ILogger logger)
    {
        _registry = registry;
        _resources = resources;
        _openApi = new OpenApiDocuments(registry);
        _faults = faults;
        _time = time;
        _token = Encoding.UTF8.GetBytes("Bearer " + token);
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (_faults.Unavailable)
        {
            context.Abort();
            return;
        }

        try
        {
            if (_faults.Latency is { Ticks: > 0 } latency)
            {
                await Task.Delay(latency, _time, context.RequestAborted);
            }

            if (!Authenticated(context.Request))
            {
                await HttpJson.WriteAsync(context, 401, new ApiException(401, "Unauthorized", "Unauthorized").ToStatus());
                return;
            }

            await RouteAsync(context);
        }
        catch (ApiException e)
        {
            if (!context.Response.HasStarted)
            {
                await HttpJson.WriteStatusAsync(context, e);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client hung up.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A request that trips a bug must not take the server down; say so like the real server would.
            Log.RequestFailed(_logger, context.Request.Method, context.Request.Path, e);
            if (!context.Response.HasStarted)
            {
                await HttpJson.WriteStatusAsync(context, new ApiException(500, "InternalError", $"Internal error occurred: {e.GetType().Name}", new JsonObject()));
            }
        }
    }

    private bool Authenticated(HttpRequest request)
    {
        var header = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(header, _token);
    }

    private async Task RouteAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var types = _registry.Types;
        switch (segments)
        {
            case ["version"]:
                await HttpJson.WriteAsync(context, 200, DiscoveryDocuments.Version());
                return;
            case ["healthz" or "readyz" or "livez"]:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", context.RequestAborted);
                return;
            case ["api"]:
                await HttpJson.WriteAsync(context, 200, DiscoveryDocuments.CoreVersions($"{context.Request.Host}"));
                return;
            case ["apis"]:
                await HttpJson.WriteAsync(context, 200, DiscoveryDocuments.Groups(types));
                return;
            case ["apis", var group]:
                await HttpJson.WriteAsync(context, 200, DiscoveryDocuments.Group(types, group) ?? throw ApiException.PathNotFound());
                return;
            case ["openapi", "v3", .. var rest]:
                await OpenApiAsync(context, string.Join('/', rest));
                return;
            case ["api", var version, .. var rest]:
                await ResourceAsync(context, "", version, rest);
                return;
            case ["apis", var group, var version, .. var rest]:
                await ResourceAsync(context, group, version, rest);
                return;
            default:
                throw ApiException.PathNotFound();
        }
    }

    private async Task OpenApiAsync(HttpContext context, string key)
    {
        if (key.Length == 0)
        {
            await HttpJson.WriteAsync(context, 200, _openApi.Root());
            return;
        }

        var (body, hash) = _openApi.Find(key) ?? throw ApiException.PathNotFound();
        var requested = context.Request.Query["hash"].ToString();
        if (requested.Length > 0 && requested != hash)
        {
            context.Response.StatusCode = 301;
            context.Response.Headers.Location = $"/openapi/v3/{key}?hash={hash}";
            return;
        }

        var etag = $"\"{hash}\"";
        context.Response.Headers.ETag = etag;
        if (requested.Length > 0)
        {
            context.Response.Headers.CacheControl = "public, immutable";
            context.Response.Headers.Expires = _time.GetUtcNow().AddYears(1).ToString("R");
        }
        else
        {
            context.Response.Headers.CacheControl = "no-cache, private";
        }

        if (context.Request.Headers.IfNoneMatch == etag)
        {
            context.Response.StatusCode = 304;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private async Task ResourceAsync(HttpContext context, string group, string version, string[] rest)
    {
        if (rest.Length == 0)
        {
            await HttpJson.WriteAsync(context, 200, DiscoveryDocuments.Resources(_registry.Types, group, version) ?? throw ApiException.PathNotFound());
            return;
        }

        string? ns = null;
        var isNamespaceSubresource = group.Length == 0 && rest is ["namespaces", _, "status" or "finalize"];
        if (rest is ["namespaces", var namespaceName, _, ..] && !isNamespaceSubresource)
        {
            ns = namespaceName;
            rest = rest[2..];
        }

        if (rest.Length > 3)
        {
            throw ApiException.PathNotFound();
        }

        var type = _registry.Find(group, version, rest[0]) ?? throw ApiException.PathNotFound();
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if ((!type.Namespaced && ns is not null) || (type.Namespaced && ns is null && name is not null))
        {
            throw ApiException.PathNotFound();
        }

        if (subresource is not null && !(subresource == "status" && type.HasStatus) && !(subresource == "finalize" && type == BuiltInResources.Namespaces))
        {
            throw ApiException.PathNotFound();
        }

        await _resources.HandleAsync(context, new ResourceRequest(type, ns, name, subresource == "finalize" ? null : subresource));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "{Method} {Path} failed")]
        public static partial void RequestFailed(ILogger logger, string method, PathString path, Exception exception);
    }
}
