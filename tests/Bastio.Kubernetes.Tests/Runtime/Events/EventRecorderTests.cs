using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Events;
using Bastio.Kubernetes.Tests.Api;

namespace Bastio.Kubernetes.Tests.Runtime.Events;

public sealed class EventRecorderTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private ClusterHarness _cluster = null!;
    private Widget _widget = null!;
    private EventRecorder _recorder = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterHarness.StartAsync();
        _widget = await _cluster.Widgets.CreateAsync(Widget.Create("default", "w"));
        _recorder = new EventRecorder(
            _cluster.Client.Events(),
            new EventRecorderOptions { Component = "bastio-operator", Instance = "replica-1" },
            timeProvider: _time);
    }

    public async Task DisposeAsync()
    {
        _recorder.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task An_event_names_its_object_reason_type_and_source()
    {
        await _recorder.RecordAsync(_widget, EventType.Warning, "ValidationFailed", "spec.size must be positive");

        var e = (await EventsAsync()).Should().ContainSingle().Subject;
        e.Regarding.Kind.Should().Be("Widget");
        e.Regarding.ApiVersion.Should().Be("example.com/v1");
        e.Regarding.Name.Should().Be("w");
        e.Regarding.Uid.Should().Be(_widget.Metadata.Uid);
        e.Reason.Should().Be("ValidationFailed");
        e.Type.Should().Be("Warning");
        e.Note.Should().Be("spec.size must be positive");
        e.Series.Should().BeNull();
        e.ReportingController.Should().Be("bastio-operator");
        e.ReportingInstance.Should().Be("replica-1");
    }

    [Fact]
    public async Task Repeats_within_the_window_become_a_series_on_one_event()
    {
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");
        _time.Advance(TimeSpan.FromMinutes(1));
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");
        _time.Advance(TimeSpan.FromMinutes(1));
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "a different message");

        var events = await EventsAsync();

        events.Should().HaveCount(2);
        var aggregated = events.Single(e => e.Note == "key rotated");
        aggregated.Series!.Count.Should().Be(3);
        aggregated.Series.LastObservedTime.Should().Be(_time.GetUtcNow().UtcDateTime);
        aggregated.EventTime.Should().Be((_time.GetUtcNow() - TimeSpan.FromMinutes(2)).UtcDateTime);
        events.Single(e => e.Note == "a different message").Series.Should().BeNull();
    }

    [Fact]
    public async Task A_repeat_after_the_window_starts_a_new_event()
    {
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");
        _time.Advance(TimeSpan.FromMinutes(11));
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");

        (await EventsAsync()).Should().HaveCount(2).And.OnlyContain(e => e.Series == null);
    }

    [Fact]
    public async Task A_deleted_event_is_recreated_and_failures_never_reach_the_caller()
    {
        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");
        var first = (await EventsAsync()).Single();
        await _cluster.Client.Events().DeleteAsync("default", first.Metadata.Name!);

        await _recorder.RecordAsync(_widget, EventType.Normal, "Rotated", "key rotated");
        (await EventsAsync()).Should().ContainSingle().Which.Metadata.Name.Should().NotBe(first.Metadata.Name);

        _cluster.Faults.FailNextWrites(10, 500);
        await FluentActions.Awaiting(() => _recorder.RecordAsync(_widget, EventType.Warning, "Failed", "x")).Should().NotThrowAsync();
        await FluentActions.Awaiting(() => _recorder.RecordAsync(new Widget(), EventType.Warning, "Failed", "nameless")).Should().NotThrowAsync();
    }

    private async Task<List<Eventsv1Event>> EventsAsync() => [.. (await _cluster.Client.Events().ListAllAsync("default")).Items];
}
