namespace Bastio.StubUpstream;

/// <summary>Behaviour of a <see cref="StubUpstreamServer"/>; every property can be changed while it runs.</summary>
public sealed class StubUpstreamOptions
{
    /// <summary>Address to listen on; tests keep the loopback default.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// The CA whose server certificate the stub presents; null makes a new one (see
    /// <see cref="StubUpstreamServer.CertificateAuthority"/>). Set before start.
    /// </summary>
    public TestCertificateAuthority? CertificateAuthority { get; set; }

    /// <summary>
    /// Where to print one line per request (method, path, Host and TLS server name), so a stub running
    /// as its own process (<c>make run</c>) shows what it was sent; null prints nothing.
    /// </summary>
    public TextWriter? RequestLog { get; set; }

    /// <summary>Plain HTTP instead of HTTPS, only for what compares the two (the benchmarks). Set before start.</summary>
    public bool PlainHttp { get; set; }

    /// <summary>
    /// Provider keys the stub accepts (from <c>Authorization: Bearer</c>, <c>x-api-key</c> or <c>api-key</c>).
    /// Empty means every request is accepted, with or without a credential.
    /// </summary>
    public IReadOnlyCollection<string> ValidApiKeys { get; set; } = [];

    /// <summary>At most this many requests are kept (oldest dropped) so long benchmark runs stay bounded.</summary>
    public int MaxRecordedRequests { get; set; } = 10_000;

    /// <summary>Model ids listed by <c>GET /models</c>.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "claude-3-5-haiku-latest"];

    /// <summary>Usage reported by every answer that carries usage.</summary>
    public int PromptTokens { get; set; } = 11;

    public int CompletionTokens { get; set; } = 7;

    /// <summary>Pieces of the assistant's answer; a stream sends one SSE chunk per piece.</summary>
    public IReadOnlyList<string> ContentChunks { get; set; } = ["Hello", " from", " the", " stub", "."];

    /// <summary>Pause between streamed chunks.</summary>
    public TimeSpan ChunkDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Pause before any answer starts (e.g. to make a gateway time out).</summary>
    public TimeSpan ResponseDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Awaited before streamed chunk <c>index</c> (1-based for every chunk after the first, then the
    /// usage chunk). Lets a test prove a chunk reached the client before the next one was sent.
    /// </summary>
    public Func<int, CancellationToken, ValueTask>? BeforeChunk { get; set; }
}
