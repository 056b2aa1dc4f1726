namespace Bastio.Gateway.Usage;

/// <summary>
/// Wraps the client response body and watches the bytes as they pass, without holding them back:
/// a JSON answer is copied aside (up to 1 MiB) and parsed at the end; a server-sent event stream is
/// split into lines and only <c>data:</c> lines mentioning <c>usage</c> are parsed. Every write and
/// flush goes straight through, so streaming latency is untouched. With a <see cref="ContentDecoder"/>
/// the client still gets the encoded bytes and the observer reads a decoded copy.
/// </summary>
internal sealed class UsageObservingStream(Stream inner, bool serverSentEvents, ContentDecoder? decoder = null) : Stream
{
    private const int MaxJsonBytes = 1024 * 1024;
    private const int MaxLineBytes = 256 * 1024;

    private readonly MemoryStream _captured = new();
    private bool _overflowed;
    private TokenUsage _usage;
    private bool _found;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The usage seen so far; for JSON answers call after the body is complete.</summary>
    public bool TryGetUsage(out TokenUsage usage)
    {
        if (!serverSentEvents && !_found && !_overflowed && TokenUsage.TryParse(_captured.GetBuffer().AsSpan(0, (int)_captured.Length), out var parsed))
        {
            Merge(parsed);
        }

        usage = _usage;
        return _found;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Observe(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Observe(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _captured.Dispose();
            decoder?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (decoder is null)
        {
            ObserveDecoded(data);
            return;
        }

        // A JSON answer past the capture limit is not parsed, so there is no point decoding the rest.
        if (!serverSentEvents && _overflowed)
        {
            return;
        }

        decoder.Push(data);
        while (decoder.TryRead(out var decoded))
        {
            ObserveDecoded(decoded);
        }
    }

    private void ObserveDecoded(ReadOnlySpan<byte> data)
    {
        if (!serverSentEvents)
        {
            Capture(data, MaxJsonBytes);
            return;
        }

        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Capture(data, MaxLineBytes);
                return;
            }

            Capture(data[..newline], MaxLineBytes);
            EndLine();
            data = data[(newline + 1)..];
        }
    }

    private void Capture(ReadOnlySpan<byte> data, int limit)
    {
        if (_overflowed)
        {
            return;
        }

        if (_captured.Length + data.Length > limit)
        {
            _overflowed = true;
            _captured.SetLength(0);
            return;
        }

        _captured.Write(data);
    }

    private void EndLine()
    {
        var line = _captured.GetBuffer().AsSpan(0, (int)_captured.Length).TrimEnd((byte)'\r');
        if (!_overflowed && line.StartsWith("data:"u8) && line.IndexOf("\"usage\""u8) >= 0
            && TokenUsage.TryParse(line["data:".Length..].TrimStart((byte)' '), out var usage))
        {
            Merge(usage);
        }

        _captured.SetLength(0);
        _overflowed = false;
    }

    /// <summary>Anthropic streams input tokens in <c>message_start</c> and output tokens later, so counts merge.</summary>
    private void Merge(TokenUsage usage)
    {
        _usage = new TokenUsage(
            usage.Model ?? _usage.Model,
            usage.PromptTokens > 0 ? usage.PromptTokens : _usage.PromptTokens,
            usage.CompletionTokens > 0 ? usage.CompletionTokens : _usage.CompletionTokens);
        _found = true;
    }
}
