using System.Net;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>CronJob schedules are validated as the real server validates them.</summary>
public sealed class CronJobTests : ConformanceTestBase
{
    private static V1CronJob CronJob(string name, string schedule, string? timeZone = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1CronJobSpec
        {
            Schedule = schedule,
            TimeZone = timeZone,
            JobTemplate = new V1JobTemplateSpec
            {
                Spec = new V1JobSpec
                {
                    Template = new V1PodTemplateSpec
                    {
                        Spec = new V1PodSpec
                        {
                            RestartPolicy = "OnFailure",
                            Containers = [new V1Container { Name = "rotate", Image = "busybox" }],
                        },
                    },
                },
            },
        },
    };

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("0 3 * * mon-fri")]
    [InlineData("15 2 1,15 jan-jun ?")]
    [InlineData("@hourly")]
    [InlineData("@every 1h30m")]
    public async Task A_valid_schedule_is_accepted(string schedule)
    {
        var created = await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("ok", schedule), Ns);

        created.Spec.Schedule.Should().Be(schedule);
    }

    [Theory]
    [InlineData("not a schedule", "expected exactly 5 fields, found 3: [not a schedule]")]
    [InlineData("61 * * * *", "end of range (61) above maximum (59): 61")]
    [InlineData("@fortnightly", "unrecognized descriptor: @fortnightly")]
    [InlineData("TZ=Europe/Paris 0 3 * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    public async Task An_invalid_schedule_is_422_with_a_field_error_on_spec_schedule(string schedule, string why)
    {
        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity, () => Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("bad", schedule), Ns));

        status.Reason.Should().Be("Invalid");
        status.Details.Causes.Should().ContainSingle(c => c.Field == "spec.schedule" && c.Reason == "FieldValueInvalid")
            .Which.Message.Should().Be($"Invalid value: \"{schedule}\": {why}");
    }

    [Fact]
    public async Task A_time_zone_must_name_an_IANA_zone()
    {
        (await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("zoned", "0 3 * * *", "Europe/Paris"), Ns)).Spec.TimeZone.Should().Be("Europe/Paris");

        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity,
            () => Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("nowhere", "0 3 * * *", "Mars/Olympus"), Ns));
        status.Details.Causes.Should().ContainSingle(c => c.Field == "spec.timeZone");
    }
}
