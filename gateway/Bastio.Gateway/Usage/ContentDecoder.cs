using System.IO.Compression;
using System.Net.Http.Headers;

namespace Bastio.Gateway.Usage;

/// <summary>
/// Decodes a copy of a gzip, deflate or br response body as it passes, so the usage observer reads
/// the JSON the client reads after its own decompression. The client still gets the upstream's bytes
/// untouched. Each write is pushed and decoded at once, so memory stays at one write, the
/// decompressor's window and a small output buffer, however large the body.
/// </summary>
internal sealed class ContentDecoder : IDisposable
{
    private const int OutputBytes = 16 * 1024;

    /// <summary>The codings the gateway can decode; the upstream is only offered these.</summary>
    private static readonly string[] Decodable = ["gzip", "x-gzip", "deflate", "br"];

    private readonly PushedBytes _input = new();
    private readonly Stream _decompressor;
    private readonly byte[] _output = new byte[OutputBytes];

    private ContentDecoder(string coding)
    {
        // RFC 9110 §8.4.1: "deflate" is the zlib format, "x-gzip" an alias of gzip.
        _decompressor = coding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(_input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(_input, CompressionMode.Decompress),
            _ => new BrotliStream(_input, CompressionMode.Decompress),
        };
    }

    /// <summary>Set when the body stopped decoding (corrupt or not what its Content-Encoding says); nothing more is decoded.</summary>
    public bool Failed { get; private set; }

    /// <summary>
    /// The decoder for a response's <c>Content-Encoding</c>: none for an unencoded body, false for a
    /// coding (or a stack of codings) the gateway cannot read, whose usage then goes uncounted.
    /// </summary>
    public static bool TryCreate(ICollection<string> contentEncoding, out ContentDecoder? decoder)
    {
        decoder = null;
        var codings = contentEncoding.Where(coding => !coding.Equals("identity", StringComparison.OrdinalIgnoreCase)).ToList();
        if (codings.Count == 0)
        {
            return true;
        }

        if (codings.Count > 1 || !IsDecodable(codings[0]))
        {
            return false;
        }

        decoder = new ContentDecoder(codings[0]);
        return true;
    }

    /// <summary>
    /// Narrows the client's <c>Accept-Encoding</c> to codings the gateway can decode, so the upstream
    /// never answers in one (zstd, say) whose usage could not be counted. When nothing is left the
    /// header goes and the upstream answers unencoded, which every client accepts.
    /// </summary>
    public static void LimitAcceptEncoding(HttpRequestHeaders headers)
    {
        var accepted = headers.AcceptEncoding;
        if (accepted.Count == 0)
        {
            if (headers.Contains("Accept-Encoding"))
            {
                // Present but unparsable: not worth guessing what the upstream would make of it.
                headers.Remove("Accept-Encoding");
            }

            return;
        }

        var kept = accepted.Where(coding => IsDecodable(coding.Value) || coding.Value.Equals("identity", StringComparison.OrdinalIgnoreCase)).ToList();
        if (kept.Count == accepted.Count)
        {
            return;
        }

        accepted.Clear();
        foreach (var coding in kept)
        {
            accepted.Add(coding);
        }

        if (kept.Count == 0)
        {
            headers.Remove("Accept-Encoding");
        }
    }

    /// <summary>Hands the decoder the next encoded bytes; read what they decode to with <see cref="TryRead"/>.</summary>
    public void Push(ReadOnlySpan<byte> encoded)
    {
        if (!Failed)
        {
            _input.Push(encoded);
        }
    }

    /// <summary>The next decoded piece of what was pushed so far; false when all of it is decoded (or decoding failed).</summary>
    public bool TryRead(out ReadOnlySpan<byte> decoded)
    {
        decoded = default;
        if (Failed)
        {
            return false;
        }

        try
        {
            // The decompressors treat an empty read of their source as "no more for now" and resume
            // on the next read, so a body pushed in pieces decodes as one.
            var read = _decompressor.Read(_output);
            decoded = _output.AsSpan(0, read);
            return read > 0;
        }
        catch (InvalidDataException)
        {
            Failed = true;
            _input.Clear();
            return false;
        }
    }

    public void Dispose() => _decompressor.Dispose();

    private static bool IsDecodable(string coding) => Decodable.Contains(coding, StringComparer.OrdinalIgnoreCase);

    /// <summary>The decompressor's source: the bytes of the current write, then "nothing yet" until the next.</summary>
    private sealed class PushedBytes : Stream
    {
        private byte[] _buffer = [];
        private int _start;
        private int _end;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Push(ReadOnlySpan<byte> data)
        {
            var pending = _end - _start;
            if (pending + data.Length > _buffer.Length)
            {
                var grown = new byte[Math.Max(pending + data.Length, _buffer.Length * 2)];
                _buffer.AsSpan(_start, pending).CopyTo(grown);
                _buffer = grown;
            }
            else if (_start > 0)
            {
                _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            }

            data.CopyTo(_buffer.AsSpan(pending));
            _start = 0;
            _end = pending + data.Length;
        }

        public void Clear() => _start = _end = 0;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(buffer);
            _start += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
