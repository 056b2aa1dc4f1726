using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Bastio.Gateway.Usage;

namespace Bastio.Gateway.Tests.Unit;

public sealed class ContentDecoderTests
{
    private const string Json = "{\"model\":\"gpt\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";

    private const string Sse = "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
        + "data: {\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}\n\n"
        + "data: [DONE]\n\n";

    public static TheoryData<string, bool> Codings() => new()
    {
        { "gzip", false }, { "gzip", true }, { "deflate", false }, { "deflate", true }, { "br", false }, { "br", true }, { "x-gzip", false },
    };

    [Theory]
    [MemberData(nameof(Codings))]
    public void Compressed_answers_split_at_any_point_are_counted_and_reach_the_client_still_compressed(string coding, bool serverSentEvents)
    {
        var encoded = Encode(coding, serverSentEvents ? Sse : Json);
        var expected = serverSentEvents ? new TokenUsage("m", 12, 5) : new TokenUsage("gpt", 3, 4);
        for (var split = 1; split < encoded.Length; split += 3)
        {
            var client = new MemoryStream();
            ContentDecoder.TryCreate([coding], out var decoder).Should().BeTrue();
            using var observer = new UsageObservingStream(client, serverSentEvents, decoder);

            observer.Write(encoded, 0, split);
            observer.Write(encoded, split, encoded.Length - split);

            client.ToArray().Should().Equal(encoded, "the client gets the upstream's bytes, not a decoded copy");
            observer.TryGetUsage(out var usage).Should().BeTrue($"{coding} split at {split}");
            usage.Should().Be(expected);
        }
    }

    [Fact]
    public void A_stream_is_counted_event_by_event_as_each_compressed_flush_arrives()
    {
        // What a compressing upstream sends for a stream: one flushed deflate block per event.
        var client = new MemoryStream();
        var upstream = new MemoryStream();
        ContentDecoder.TryCreate(["gzip"], out var decoder);
        using var observer = new UsageObservingStream(client, serverSentEvents: true, decoder);
        using var compressor = new GZipStream(upstream, CompressionLevel.Fastest, leaveOpen: true);

        foreach (var sseEvent in Sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            compressor.Write(Encoding.UTF8.GetBytes(sseEvent + "\n\n"));
            compressor.Flush();
            observer.Write(upstream.GetBuffer().AsSpan(0, (int)upstream.Length));
            upstream.SetLength(0);
        }

        observer.TryGetUsage(out var usage).Should().BeTrue("the usage event decodes before the stream ends");
        usage.Should().Be(new TokenUsage("m", 12, 5));
    }

    [Fact]
    public void A_corrupt_body_is_passed_on_untouched_and_counts_nothing()
    {
        var encoded = Encode("gzip", Json);
        encoded[12] ^= 0xFF;
        encoded[20] ^= 0xFF;
        var client = new MemoryStream();
        ContentDecoder.TryCreate(["gzip"], out var decoder);
        using var observer = new UsageObservingStream(client, serverSentEvents: false, decoder);

        observer.Write(encoded);

        client.ToArray().Should().Equal(encoded);
        observer.TryGetUsage(out _).Should().BeFalse();
    }

    [Fact]
    public void A_large_compressed_json_answer_stops_being_decoded_past_the_capture_limit()
    {
        // 64 MiB of spaces compress to ~64 KiB: the observer must not inflate all of it.
        var bomb = Encode("gzip", "{\"pad\":\"" + new string(' ', 64 * 1024 * 1024) + "\"}");
        ContentDecoder.TryCreate(["gzip"], out var decoder);
        using var observer = new UsageObservingStream(Stream.Null, serverSentEvents: false, decoder);
        var started = System.Diagnostics.Stopwatch.StartNew();

        for (var offset = 0; offset < bomb.Length; offset += 4096)
        {
            observer.Write(bomb.AsSpan(offset, Math.Min(4096, bomb.Length - offset)));
        }

        observer.TryGetUsage(out _).Should().BeFalse();
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData(new string[0], true, false)]
    [InlineData(new[] { "identity" }, true, false)]
    [InlineData(new[] { "GZIP" }, true, true)]
    [InlineData(new[] { "zstd" }, false, false)]
    [InlineData(new[] { "gzip", "br" }, false, false)]
    public void Only_codings_the_gateway_decodes_are_observed(string[] contentEncoding, bool observed, bool decoded)
    {
        ContentDecoder.TryCreate(contentEncoding, out var decoder).Should().Be(observed);
        (decoder is not null).Should().Be(decoded);
        decoder?.Dispose();
    }

    [Theory]
    [InlineData("gzip, deflate, br", "gzip, deflate, br")]
    [InlineData("gzip, deflate, br, zstd", "gzip, deflate, br")]
    [InlineData("zstd;q=1.0, gzip;q=0.5", "gzip; q=0.5")]
    [InlineData("zstd", null)]
    [InlineData("*", null)]
    public void The_upstream_is_offered_only_codings_the_gateway_decodes(string acceptEncoding, string? offered)
    {
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        ContentDecoder.LimitAcceptEncoding(request.Headers);

        (request.Headers.TryGetValues("Accept-Encoding", out var values) ? string.Join(", ", values) : null).Should().Be(offered);
    }

    internal static byte[] Encode(string coding, string text)
    {
        var output = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
