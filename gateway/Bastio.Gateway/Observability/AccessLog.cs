using System.Text.Json;
using System.Threading.Channels;

namespace Bastio.Gateway.Observability;

/// <summary>
/// One JSON line per request, written off the request path by a background writer. Fields are ids
/// and measurements only: the key id (public), never a credential header or body.
/// When the writer falls behind by <see cref="Capacity"/> lines, new lines are dropped and counted
/// rather than slowing requests down.
/// </summary>
internal sealed class AccessLog : IAsyncDisposable
{
    public const int Capacity = 10_000;

    private readonly Channel<RequestRecord> _lines = Channel.CreateBounded<RequestRecord>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly Task _writer;
    private long _dropped;

    public AccessLog(TextWriter output, TimeProvider time)
    {
        _output = output;
        _time = time;
        _writer = Task.Run(WriteLinesAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Write(in RequestRecord record)
    {
        if (!_lines.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLinesAsync()
    {
        var buffer = new MemoryStream();
        await foreach (var record in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                Format(json, record, _time.GetUtcNow());
            }

            await _output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).ConfigureAwait(false);
            if (_lines.Reader.Count == 0)
            {
                await _output.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    private static void Format(Utf8JsonWriter json, in RequestRecord record, DateTimeOffset now)
    {
        json.WriteStartObject();
        json.WriteString("time", now);
        json.WriteString("msg", "request");
        json.WriteString("request_id", record.RequestId);
        json.WriteString("method", record.Method);
        json.WriteString("route", record.Route);
        json.WriteNumber("status", record.Status);
        json.WriteString("reason", record.Reason ?? "");
        json.WriteString("key_id", record.KeyId);
        json.WriteString("namespace", record.Namespace);
        json.WriteString("proxy", record.Proxy);
        // Formatted here, on the writer's thread, not on the request's.
        json.WriteString("client_ip", record.ClientIp?.ToString() ?? "");
        if (record.Upstream is { } upstream)
        {
            json.WriteNumber("upstream_ms", Math.Round(upstream.TotalMilliseconds, 3));
        }
        else
        {
            json.WriteNull("upstream_ms");
        }

        json.WriteNumber("overhead_ms", Math.Round(record.Overhead.TotalMilliseconds, 3));
        json.WriteNumber("duration_ms", Math.Round(record.Duration.TotalMilliseconds, 3));
        json.WriteEndObject();
    }
}
