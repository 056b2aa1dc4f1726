using System.Text;
using Bastio.Gateway.Usage;

namespace Bastio.Gateway.Tests.Unit;

public sealed class UsageTests
{
    [Fact]
    public void Usage_is_read_from_a_stream_split_at_arbitrary_points_and_passes_through_unchanged()
    {
        const string sse = "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
            + "data: {\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}\r\n\r\n"
            + "data: [DONE]\n\n";
        var bytes = Encoding.UTF8.GetBytes(sse);
        for (var split = 1; split < bytes.Length; split += 7)
        {
            var sink = new MemoryStream();
            using var observer = new UsageObservingStream(sink, serverSentEvents: true);
            observer.Write(bytes, 0, split);
            observer.Write(bytes, split, bytes.Length - split);

            sink.ToArray().Should().Equal(bytes);
            observer.TryGetUsage(out var usage).Should().BeTrue();
            usage.Should().Be(new TokenUsage("m", 12, 5));
        }
    }

    [Fact]
    public void Anthropic_streams_merge_input_and_output_tokens()
    {
        const string sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude\",\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":30}}\n\n";
        using var observer = new UsageObservingStream(Stream.Null, serverSentEvents: true);

        observer.Write(Encoding.UTF8.GetBytes(sse));

        observer.TryGetUsage(out var usage).Should().BeTrue();
        usage.Should().Be(new TokenUsage("claude", 9, 30));
    }

    [Fact]
    public void Json_answers_are_parsed_when_complete_and_answers_without_usage_report_none()
    {
        using var json = new UsageObservingStream(Stream.Null, serverSentEvents: false);
        json.Write("{\"model\":\"gpt\",\"usage\":{\"prompt_tokens\":3,"u8);
        json.Write("\"completion_tokens\":4}}"u8);
        using var none = new UsageObservingStream(Stream.Null, serverSentEvents: false);
        none.Write("{\"data\":[]}"u8);

        json.TryGetUsage(out var usage).Should().BeTrue();
        usage.Should().Be(new TokenUsage("gpt", 3, 4));
        none.TryGetUsage(out _).Should().BeFalse();
    }

    [Fact]
    public void Usage_store_counts_per_key_and_model()
    {
        var store = new UsageStore();
        store.Record("k1", "m", 1, 2);
        store.Record("k1", "m", 3, 4);
        store.Record("k2", "m", 5, 6);

        store.Get("k1").Should().Equal(("m", 2L, 4L, 6L));
        store.Get("nobody").Should().BeEmpty();
    }
}
