using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Kubernetes.Runtime.Events;

/// <summary>
/// The <see cref="IEventRecorder"/> implementation: events.k8s.io/v1 Events written through the official
/// client, with client-go's aggregation cache (a repeat becomes a series on the first Event).
/// </summary>
public sealed partial class EventRecorder : IEventRecorder, IDisposable
{
    // events.k8s.io/v1 rejects a longer note.
    private const int MaxMessageLength = 1024;

    private readonly IResourceClient<Eventsv1Event> _events;
    private readonly EventRecorderOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    // One write at a time keeps two concurrent repeats from both creating an Event.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<AggregationKey, Recorded> _recorded = [];

    public EventRecorder(IResourceClient<Eventsv1Event> events, EventRecorderOptions? options = null, ILogger<EventRecorder>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
        _options = options ?? new EventRecorderOptions();
        _logger = logger ?? NullLogger<EventRecorder>.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> involvedObject, EventType type, string reason, string message, CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(involvedObject);
            ArgumentException.ThrowIfNullOrEmpty(reason);
            ArgumentException.ThrowIfNullOrEmpty(involvedObject.Metadata.Name);
            message ??= "";
            if (message.Length > MaxMessageLength)
            {
                message = message[..MaxMessageLength];
            }

            var key = new AggregationKey(
                involvedObject.Metadata.Uid ?? "",
                involvedObject.Metadata.NamespaceProperty ?? "",
                involvedObject.Metadata.Name,
                involvedObject.Kind ?? "",
                type,
                reason,
                message);

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await RecordLockedAsync(key, involvedObject, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.RecordFailed(_logger, reason, involvedObject?.Metadata.Name, ex);
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task RecordLockedAsync(AggregationKey key, IKubernetesObject<V1ObjectMeta> involved, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (_recorded.TryGetValue(key, out var previous) && now - previous.LastTimestamp < _options.AggregationWindow)
        {
            var count = previous.Count + 1;
            try
            {
                await _events.PatchAsync(previous.Namespace, previous.Name, PatchType.Merge, SeriesPatch(count, now), cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                _recorded[key] = previous with { Count = count, LastTimestamp = now };
                return;
            }
            catch (NotFoundException)
            {
                // Events are garbage-collected by TTL; start a new one.
            }
        }

        var ns = string.IsNullOrEmpty(involved.Metadata.NamespaceProperty) ? "default" : involved.Metadata.NamespaceProperty;
        var created = await _events.CreateAsync(NewEvent(key, involved, ns, now), cancellationToken: cancellationToken).ConfigureAwait(false);
        Remember(key, new Recorded(ns, created.Metadata.Name!, 1, now));
    }

    private Eventsv1Event NewEvent(AggregationKey key, IKubernetesObject<V1ObjectMeta> involved, string ns, DateTimeOffset now) => new()
    {
        ApiVersion = _events.Type.ApiVersion,
        Kind = _events.Type.Kind,
        Metadata = new V1ObjectMeta
        {
            // client-go's naming: the object's name plus a unique hex suffix.
            Name = $"{involved.Metadata.Name}.{now.UtcTicks:x}{Random.Shared.Next():x}",
            NamespaceProperty = ns,
        },
        Regarding = new V1ObjectReference
        {
            ApiVersion = involved.ApiVersion,
            Kind = involved.Kind,
            NamespaceProperty = involved.Metadata.NamespaceProperty,
            Name = involved.Metadata.Name,
            Uid = involved.Metadata.Uid,
            ResourceVersion = involved.Metadata.ResourceVersion,
        },
        Reason = key.Reason,
        Note = key.Message,
        Type = key.Type.ToString(),
        Action = key.Reason,

        // eventTime is a MicroTime: the official client writes it with microseconds.
        EventTime = now.UtcDateTime,
        ReportingController = _options.Component,
        ReportingInstance = _options.Instance,
    };

    private void Remember(AggregationKey key, Recorded recorded)
    {
        if (_recorded.Count >= _options.MaxTrackedEvents && !_recorded.ContainsKey(key))
        {
            var oldest = _recorded.MinBy(p => p.Value.LastTimestamp).Key;
            _recorded.Remove(oldest);
        }

        _recorded[key] = recorded;
    }

    // events.k8s.io/v1 folds repeats into a series on the first Event (client-go's EventSeries).
    private static string SeriesPatch(int count, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("series");
            writer.WriteNumber("count", count);
            writer.WriteString("lastObservedTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private readonly record struct AggregationKey(string Uid, string Namespace, string Name, string Kind, EventType Type, string Reason, string Message);

    private sealed record Recorded(string Namespace, string Name, int Count, DateTimeOffset LastTimestamp);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not record event {Reason} for {Name}")]
        public static partial void RecordFailed(ILogger logger, string? reason, string? name, Exception exception);
    }
}
