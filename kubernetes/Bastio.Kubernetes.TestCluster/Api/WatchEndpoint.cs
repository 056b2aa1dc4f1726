using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Storage;
using Bastio.Kubernetes.TestCluster.Tables;
using Microsoft.AspNetCore.Http;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>
/// Streams watch events, one JSON object per line, flushed as they happen. Selector watches see an
/// object entering the selection as ADDED and leaving it as DELETED, as on a real server.
/// </summary>
internal sealed class WatchEndpoint
{
    private readonly ResourceStore _store;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly TimeSpan _bookmarkInterval;

    public WatchEndpoint(ResourceStore store, FaultInjector faults, TimeProvider time, TimeSpan bookmarkInterval)
    {
        _store = store;
        _faults = faults;
        _time = time;
        _bookmarkInterval = bookmarkInterval;
    }

    public async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var query = context.Request.Query;
        var type = request.Type;
        var filter = ResourceEndpoints.Filter(query, type);
        var rvText = query["resourceVersion"].ToString();
        var sendInitialEvents = query["sendInitialEvents"] == "true";
        long? from = null;
        if (rvText is { Length: > 0 } and not "0" && !sendInitialEvents)
        {
            from = long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw ApiException.BadRequest($"invalid resource version: {rvText}");
        }

        var (expire, inStream) = _faults.TakeWatchExpiry();
        if (expire && !inStream)
        {
            throw ApiException.Expired($"too old resource version: {from ?? 0} ({_store.CurrentVersion})");
        }

        var bookmarks = query["allowWatchBookmarks"] == "true";
        var table = HttpJson.WantsTable(context.Request);
        using var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), _time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        var ct = linked.Token;

        // As from the API server's watch cache, a version older than the retained history is answered
        // 200 followed by one ERROR event carrying the 410 Expired Status, and the stream ends.
        ApiException? expired = expire ? ApiException.Expired($"too old resource version: {from ?? 0} ({_store.CurrentVersion})") : null;
        WatchSubscription? subscription = null;
        if (expired is null)
        {
            try
            {
                subscription = _store.Watch(type, request.Namespace, from);
            }
            catch (ApiException e) when (e.Code == 410)
            {
                expired = e;
            }
        }

        using var subscribed = subscription;
        using var outage = _faults.OutageToken.Register(context.Abort);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(ct);
        await context.Response.Body.FlushAsync(ct);
        if (subscription is null)
        {
            await WriteEventAsync(context, "ERROR", expired!.ToStatus(), ct);
            return;
        }

        var lastVersion = subscription.StartVersion;
        var initialRemaining = subscription.InitialCount;
        var initialEndSent = !sendInitialEvents;
        var columnsSent = false;
        Task<bool>? ready = null;
        try
        {
            while (true)
            {
                if (!initialEndSent && initialRemaining == 0)
                {
                    await WriteBookmarkAsync(context, type, lastVersion, true, ct);
                    initialEndSent = true;
                }

                ready ??= subscription.Events.WaitToReadAsync(ct).AsTask();
                if (bookmarks)
                {
                    using var tickCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var tick = Task.Delay(_bookmarkInterval, _time, tickCancel.Token);
                    var first = await Task.WhenAny(ready, tick);
                    await tickCancel.CancelAsync();
                    if (first == tick)
                    {
                        await _faults.WhenWatchesFlow.WaitAsync(ct);
                        await WriteBookmarkAsync(context, type, lastVersion, false, ct);
                        continue;
                    }
                }

                var more = await ready;
                ready = null;
                if (!more)
                {
                    if (subscription.ExpiredAt is { } expiredAt)
                    {
                        var gone = ApiException.Expired($"too old resource version: {lastVersion} ({expiredAt})");
                        await WriteEventAsync(context, "ERROR", gone.ToStatus(), ct);
                    }

                    return;
                }

                await _faults.WhenWatchesFlow.WaitAsync(ct);
                while (subscription.Events.TryRead(out var e))
                {
                    lastVersion = Math.Max(lastVersion, e.Version);
                    if (initialRemaining > 0)
                    {
                        initialRemaining--;
                    }

                    var matchesNow = e.Type != "DELETED" && filter(e.Object);
                    var matchedBefore = e.Previous is not null && filter(e.Previous);
                    var eventType = (e.Type, matchedBefore, matchesNow) switch
                    {
                        ("ADDED", _, true) => "ADDED",
                        ("MODIFIED", true, true) => "MODIFIED",
                        ("MODIFIED", false, true) => "ADDED",
                        ("MODIFIED", true, false) => "DELETED",
                        ("DELETED", true, _) => "DELETED",
                        _ => null,
                    };
                    if (eventType is null)
                    {
                        continue;
                    }

                    JsonNode payload = HttpJson.Present(type, e.Object);
                    if (table)
                    {
                        var converted = TableConverter.Convert(type, [e.Object], e.Version.ToString(CultureInfo.InvariantCulture), _time.GetUtcNow());
                        if (columnsSent)
                        {
                            converted.Remove("columnDefinitions");
                        }

                        columnsSent = true;
                        payload = converted;
                    }

                    await WriteEventAsync(context, eventType, payload, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or timeoutSeconds passed: end the stream cleanly.
        }
    }

    private static async Task WriteBookmarkAsync(HttpContext context, ResourceType type, long version, bool initialEventsEnd, CancellationToken ct)
    {
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        await WriteEventAsync(context, "BOOKMARK", new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
        }, ct);
    }

    private static async Task WriteEventAsync(HttpContext context, string type, JsonNode payload, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            payload.WriteTo(writer);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
