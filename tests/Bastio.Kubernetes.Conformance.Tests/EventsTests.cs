using System.Net;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>events.k8s.io/v1 Events through the client's <c>EventsV1</c> API, and their core v1 view.</summary>
public sealed class EventsTests : ConformanceTestBase
{
    private static Eventsv1Event Sample(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        EventTime = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(4560),
        ReportingController = "bastio.io/operator",
        ReportingInstance = "operator-0",
        Action = "Rotate",
        Reason = "KeyRotated",
        Type = "Normal",
        Note = "rotated the key",
        Regarding = new V1ObjectReference { Kind = "ApiKey", ApiVersion = "bastio.io/v1alpha1", Name = "team-a", NamespaceProperty = Ns },
    };

    [Fact]
    public async Task Events_v1_are_served_created_listed_and_seen_as_core_Events()
    {
        var created = await Client.EventsV1.CreateNamespacedEventAsync(Sample("rotated"), Ns);

        created.Note.Should().Be("rotated the key");
        created.EventTime.Should().Be(Sample("x").EventTime);
        (await Client.EventsV1.ListNamespacedEventAsync(Ns)).Items.Should().ContainSingle(e => e.Metadata.Name == "rotated");
        var core = await Client.CoreV1.ReadNamespacedEventAsync("rotated", Ns);
        core.Message.Should().Be("rotated the key");
        core.InvolvedObject.Name.Should().Be("team-a");
        core.ReportingComponent.Should().Be("bastio.io/operator");
    }

    [Fact]
    public async Task A_core_Event_reads_back_through_events_k8s_io_with_the_v1_names()
    {
        await Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "legacy" },
            InvolvedObject = new V1ObjectReference { Kind = "ConfigMap", Name = "cm", NamespaceProperty = Ns },
            Reason = "Changed",
            Message = "it changed",
            Type = "Normal",
            Count = 2,
            Source = new V1EventSource { Component = "tests" },
        }, Ns);

        var v1 = await Client.EventsV1.ReadNamespacedEventAsync("legacy", Ns);

        v1.Note.Should().Be("it changed");
        v1.Regarding.Name.Should().Be("cm");
        v1.DeprecatedCount.Should().Be(2);
        v1.DeprecatedSource.Component.Should().Be("tests");
    }

    [Fact]
    public async Task An_Events_v1_create_without_eventTime_or_reporting_fields_is_422()
    {
        var missing = Sample("bad");
        missing.EventTime = null;
        missing.ReportingController = null;
        missing.ReportingInstance = null;

        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity, () => Client.EventsV1.CreateNamespacedEventAsync(missing, Ns));

        status.Details.Causes.Select(c => c.Field).Should().Contain("eventTime");
        var noController = Sample("bad2");
        noController.ReportingController = null;
        var controllerStatus = await FailsWithAsync(HttpStatusCode.UnprocessableEntity, () => Client.EventsV1.CreateNamespacedEventAsync(noController, Ns));
        controllerStatus.Details.Causes.Should().Contain(c => c.Field == "reportingController" && c.Reason == "FieldValueRequired");
    }

    [Fact]
    public async Task An_Events_v1_update_may_not_change_the_note()
    {
        var created = await Client.EventsV1.CreateNamespacedEventAsync(Sample("fixed"), Ns);
        created.Note = "rewritten";

        var status = await FailsWithAsync(HttpStatusCode.UnprocessableEntity, () => Client.EventsV1.ReplaceNamespacedEventAsync(created, "fixed", Ns));

        status.Details.Causes.Should().Contain(c => c.Field == "message" && c.Message.EndsWith("field is immutable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_v1_watch_through_the_client()
    {
        var list = await Client.EventsV1.ListNamespacedEventAsync(Ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var watch = Client.EventsV1.WatchListNamespacedEventAsync(Ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token);
        var first = Task.Run(async () =>
        {
            await foreach (var (type, item) in watch)
            {
                return (type, item.Note);
            }

            return default;
        });

        await Bastio.Testing.Eventually.UntilAsync(() => Cluster.Faults.OpenWatches == 1, "the watch is open");
        await Client.EventsV1.CreateNamespacedEventAsync(Sample("watched"), Ns);

        (await first.WaitAsync(cts.Token)).Should().Be((WatchEventType.Added, "rotated the key"));
    }
}
