using System.Text.Json;
using Bastio.Operator.Lifecycle;

namespace Bastio.Operator.Tests.Unit;

public sealed class AuditLogTests
{
    [Fact]
    public void Each_entry_is_one_json_line_with_time_action_object_key_id_and_actor()
    {
        var output = new StringWriter();
        var time = new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 6, 0, 0, 123, TimeSpan.Zero));
        var log = new JsonLineAuditLog(output, time);

        log.Write(new AuditEntry("Rotated", "ApiKey", "team-a", "app", "2iqbAAAAAAAA", AuditEntry.ScheduleActor));
        log.Write(new AuditEntry("Validated", "ProviderKey", "team-a", "openai", null, AuditEntry.OperatorActor));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        using var first = JsonDocument.Parse(lines[0]);
        first.RootElement.GetProperty("time").GetString().Should().Be("2026-11-22T06:00:00.123Z");
        first.RootElement.GetProperty("action").GetString().Should().Be("Rotated");
        first.RootElement.GetProperty("object").GetProperty("kind").GetString().Should().Be("ApiKey");
        first.RootElement.GetProperty("object").GetProperty("namespace").GetString().Should().Be("team-a");
        first.RootElement.GetProperty("object").GetProperty("name").GetString().Should().Be("app");
        first.RootElement.GetProperty("keyId").GetString().Should().Be("2iqbAAAAAAAA");
        first.RootElement.GetProperty("actor").GetString().Should().Be("schedule");
        using var second = JsonDocument.Parse(lines[1]);
        second.RootElement.TryGetProperty("keyId", out _).Should().BeFalse();
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
