using System.Net;
using System.Text.Json;
using Bastio.Core.Networking;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Errors;
using Bastio.Gateway.Hosting;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.Observability;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;
using Bastio.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// The client-facing pipeline: dot segments in the raw path, route, readiness (1), checks 2–6,
/// model (7), rate limit (8), provider key (9), then forwarding with errors 10–11 — each failure
/// answered in the OpenAI error shape — and finally usage, metrics and the access-log line.
/// </summary>
/// <remarks>
/// One request meets the types of this folder in this order: <see cref="LoopGuard"/>, <see cref="RawPath"/>,
/// the route table (<c>Routing/</c>), <see cref="Credential"/> and <see cref="RequestAuthorizer"/>
/// (<see cref="AuthorizationResult"/>), <see cref="ModelReader"/>, the limits (<c>Limits/</c>),
/// <see cref="ProviderKeySelector"/>, then YARP's forwarder with <see cref="ForwardedRequest"/> and
/// <see cref="ProviderTransformer"/>, which applies <see cref="RequestHeaderHygiene"/>.
/// </remarks>
internal sealed partial class GatewayRequestHandler(
    ISnapshotProvider snapshots,
    RequestAuthorizer authorizer,
    ClientIpResolver clientIps,
    IHttpForwarder forwarder,
    ProviderTransformer transformer,
    LoopGuard loopGuard,
    UpstreamClients upstreams,
    UsageStore usage,
    LimitEnforcer limits,
    GatewayMetrics metrics,
    AccessLog accessLog,
    GatewayOptions options,
    TimeProvider time,
    ILogger<GatewayRequestHandler> logger)
{
    /// <summary>Whether the snapshot may be served: synced, and confirmed within <see cref="GatewayOptions.MaxStaleness"/>.</summary>
    public bool IsServing(out GatewaySnapshot? snapshot)
    {
        snapshot = snapshots.Current;
        return snapshot is not null
            && snapshots.LastConfirmedSync is { } synced
            && time.GetUtcNow() - synced <= options.MaxStaleness;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var state = new Outcome();
        try
        {
            await HandleAsync(context, state).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel refused the body (size limit, broken chunking): the client's fault, said precisely.
            state.Reason = "invalid_request";
            context.Response.Clear();
            await ErrorResponseWriter.WriteAsync(context.Response, new GatewayError(ex.StatusCode, "invalid_request_error", "invalid_request", "The request could not be read: " + ex.Message)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            Log.UnhandledError(logger, context.TraceIdentifier, ex);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await ErrorResponseWriter.WriteAsync(context.Response, new GatewayError(500, "api_error", "internal_error", "The gateway failed to handle the request.")).ConfigureAwait(false);
            }
        }
        finally
        {
            Complete(context, state, time.GetElapsedTime(started));
        }
    }

    private async Task HandleAsync(HttpContext context, Outcome state)
    {
        var request = context.Request;

        // First of all: a looped request must cost as little as possible, and its credential may be anything.
        if (loopGuard.HasLooped(request.Headers))
        {
            await RefuseAsync(context, state, GatewayErrors.LoopDetected, null).ConfigureAwait(false);
            return;
        }

        // Before any check: Kestrel has already resolved dot segments in Path, but the upstream gets the raw path.
        var rawPath = RawPath.Of(context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget);
        if (RawPath.HasDotSegment(rawPath))
        {
            await RefuseAsync(context, state, GatewayErrors.InvalidPath, null).ConfigureAwait(false);
            return;
        }

        var route = RouteTable.Match(request.Method, request.Path.Value);
        if (route is null)
        {
            await RefuseAsync(context, state, GatewayErrors.UnknownRoute, null).ConfigureAwait(false);
            return;
        }

        state.Route = route.Name;
        if (!IsServing(out var snapshot))
        {
            await RefuseAsync(context, state, GatewayErrors.GatewayNotReady, null).ConfigureAwait(false);
            return;
        }

        var credential = Credential.Read(request.Headers);
        var clientIp = clientIps.Resolve(context.Connection.RemoteIpAddress ?? IPAddress.None, request.Headers[ClientIpResolver.ForwardedForHeader]);
        state.ClientIp = clientIp;
        var result = authorizer.Authorize(snapshot!, credential, clientIp, route);
        var key = result.Key;
        state.Key = key;
        if (result.Error is { } error)
        {
            await RefuseAsync(context, state, error, key).ConfigureAwait(false);
            return;
        }

        var proxy = key!.Proxy;
        string? model = null;
        if (proxy.AllowedModels is { } allowedModels)
        {
            (var modelError, model) = await ModelReader.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
            if (modelError is null && model is not null && !allowedModels.Contains(model))
            {
                modelError = GatewayErrors.ModelNotAllowed;
            }

            if (modelError is not null)
            {
                await RefuseAsync(context, state, modelError, key).ConfigureAwait(false);
                return;
            }
        }

        var admission = key.Limits is { } keyLimits ? await limits.AdmitAsync(key, keyLimits, context.RequestAborted).ConfigureAwait(false) : default;
        var rateLimit = key.Limits is null ? RateLimitResult.Unlimited : admission.Requests with { Tokens = admission.Tokens };
        RateLimitHeaders.Write(context.Response.Headers, rateLimit);

        // A key out of tokens or budget may still read its own usage.
        if (admission.Refusal is not (Refusal.None or Refusal.Requests) && (!route.AnsweredByGateway || admission.Refusal == Refusal.StoreUnavailable))
        {
            state.Reason = await LimitResponses.WriteRefusalAsync(context.Response, admission, key.Limits!, time).ConfigureAwait(false);
            return;
        }

        if (!rateLimit.Allowed)
        {
            state.Reason = GatewayErrors.RateLimitExceeded.Code;
            var resetTime = time.GetUtcNow() + rateLimit.Reset;
            await ErrorResponseWriter.WriteAsync(context.Response, GatewayErrors.RateLimitExceeded, (rateLimit, resetTime), static (json, details) =>
            {
                json.WriteNumber("limit", details.rateLimit.Limit);
                json.WriteNumber("remaining", details.rateLimit.Remaining);
                json.WriteString("resetTime", details.resetTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            }).ConfigureAwait(false);
            return;
        }

        if (route.AnsweredByGateway)
        {
            await WriteUsageAsync(context.Response, key, admission).ConfigureAwait(false);
            return;
        }

        var providerKey = ProviderKeySelector.Select(proxy, time.GetUtcNow(), Random.Shared.NextDouble());
        if (providerKey is null)
        {
            await RefuseAsync(context, state, GatewayErrors.ProxyNotReady, null).ConfigureAwait(false);
            return;
        }

        await ForwardAsync(context, state, snapshot!, new ForwardedRequest(key, providerKey, rateLimit) { ClientIp = clientIp, RawPath = rawPath }, model).ConfigureAwait(false);
    }

    private async Task ForwardAsync(HttpContext context, Outcome state, GatewaySnapshot snapshot, ForwardedRequest forwarded, string? requestModel)
    {
        context.Features.Set(forwarded);
        var body = context.Response.Body;
        var upstreamStarted = time.GetTimestamp();
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(context, forwarded.Proxy.Upstream, upstreams.Get(snapshot, forwarded.Proxy.Upstream), forwarded.Proxy.ForwarderConfig, transformer, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            state.Upstream = time.GetElapsedTime(upstreamStarted);
            context.Response.Body = body;
        }

        if (forwarded.UpstreamAuthFailed)
        {
            state.Reason = GatewayErrors.UpstreamAuthFailed.Code;
            Log.UpstreamAuthFailed(logger, forwarded.Proxy.ToString(), forwarded.ProviderKey.Name);
        }
        else if (error != ForwarderError.None)
        {
            var mapped = error switch
            {
                ForwarderError.RequestTimedOut => GatewayErrors.UpstreamTimeout,
                ForwarderError.Request or ForwarderError.RequestCreation or ForwarderError.RequestBodyDestination => RefusedConnection(context.GetForwarderErrorFeature()?.Exception) ?? GatewayErrors.UpstreamUnavailable,
                _ => null,
            };
            state.Reason = mapped?.Code ?? "forwarding_" + error.ToString().ToLowerInvariant();
            if (mapped is not null && !context.Response.HasStarted)
            {
                context.Response.Clear();
                RateLimitHeaders.Write(context.Response.Headers, forwarded.RateLimit);
                await ErrorResponseWriter.WriteAsync(context.Response, mapped).ConfigureAwait(false);
            }
        }

        using (forwarded.Usage)
        {
            if (forwarded.Usage is { } observed && observed.TryGetUsage(out var tokens))
            {
                var model = tokens.Model ?? requestModel ?? "unknown";
                var key = forwarded.Key;
                usage.Record(key.KeyId, model, tokens.PromptTokens, tokens.CompletionTokens);
                metrics.TokensUsed(key.Namespace, key.Proxy.Name, key.KeyId, model, tokens.PromptTokens, tokens.CompletionTokens);
                if (key.Limits is { Charges: true } keyLimits)
                {
                    await limits.ChargeAsync(key, keyLimits, model, tokens.PromptTokens, tokens.CompletionTokens).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The error for a connection the upstream connector refused (the cause is wrapped by the handler), or null.</summary>
    private static GatewayError? RefusedConnection(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            switch (exception)
            {
                case UpstreamAddressNotAllowedException:
                    return GatewayErrors.UpstreamNotAllowed;
                case UpstreamLoopException:
                    return GatewayErrors.LoopDetected;
            }
        }

        return null;
    }

    /// <summary>Answers with a gateway error, adding the key's rate-limit state (without spending a token) when the key is known.</summary>
    private Task RefuseAsync(HttpContext context, Outcome state, GatewayError error, KeyEntry? key)
    {
        state.Reason = error.Code;
        if (key?.Bucket is { } bucket)
        {
            RateLimitHeaders.Write(context.Response.Headers, bucket.Peek());
        }

        if (error == GatewayErrors.ExpiredApiKey && key?.ExpiresAt is { } expiredAt)
        {
            return ErrorResponseWriter.WriteAsync(context.Response, error, expiredAt, static (json, at) =>
                json.WriteString("expired_at", at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return ErrorResponseWriter.WriteAsync(context.Response, error);
    }

    private async Task WriteUsageAsync(HttpResponse response, KeyEntry key, Admission admission)
    {
        response.ContentType = "application/json";
        var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "usage");
            json.WriteString("key_id", key.KeyId);
            json.WriteStartArray("data");
            foreach (var (model, requests, prompt, completion) in usage.Get(key.KeyId))
            {
                json.WriteStartObject();
                json.WriteString("model", model);
                json.WriteNumber("requests", requests);
                json.WriteNumber("prompt_tokens", prompt);
                json.WriteNumber("completion_tokens", completion);
                json.WriteNumber("total_tokens", prompt + completion);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            LimitResponses.WriteUsage(json, admission, key.Limits);
            json.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).ConfigureAwait(false);
    }

    private void Complete(HttpContext context, Outcome state, TimeSpan duration)
    {
        var key = state.Key;
        var record = new RequestRecord(
            context.TraceIdentifier,
            context.Request.Method,
            state.Route,
            context.Response.StatusCode,
            state.Reason,
            key?.KeyId ?? "",
            key?.Namespace ?? "",
            key?.Proxy.Name ?? "",
            state.ClientIp,
            duration,
            state.Upstream);
        metrics.RequestCompleted(record);
        accessLog.Write(record);
    }

    /// <summary>What the handler learned about one request, for the metrics and the access log.</summary>
    private sealed class Outcome
    {
        public string Route { get; set; } = "none";

        public string? Reason { get; set; }

        public KeyEntry? Key { get; set; }

        public IPAddress? ClientIp { get; set; }

        public TimeSpan? Upstream { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.UnhandledError, LogLevel.Error, "Request {RequestId} failed in the gateway.")]
        public static partial void UnhandledError(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(LogEvents.UpstreamAuthFailed, LogLevel.Warning, "The provider refused provider key {ProviderKey} of proxy {Proxy}; the client got upstream_auth_failed.")]
        public static partial void UpstreamAuthFailed(ILogger logger, string proxy, string providerKey);
    }
}
