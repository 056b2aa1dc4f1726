using System.Text.Json;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Tests.Api;

namespace Bastio.Kubernetes.Tests.Runtime.Informers;

/// <summary>Informer behaviour against a scripted client (exact event order, fake time).</summary>
public sealed class InformerTests : IAsyncLifetime
{
    private readonly ScriptedResourceClient _client = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    [Fact]
    public async Task Lists_then_watches_from_the_lists_resourceVersion()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "5"));
        var informer = Start();

        var watch = await _client.NextWatchAsync();
        await informer.WaitForSyncAsync();

        watch.Options.ResourceVersion.Should().Be("10");
        watch.Options.AllowWatchBookmarks.Should().BeTrue();
        informer.HasSynced.Should().BeTrue();
        informer.Store.Get("ns", "a")!.Metadata.ResourceVersion.Should().Be("5");
        informer.Store.Get("ns", "a")!.Kind.Should().Be("Widget", "list items lacking kind get it from the resource type");
    }

    [Fact]
    public async Task Cached_objects_share_one_copy_of_the_strings_they_repeat()
    {
        // Equal contents in distinct instances, as two objects decoded from the wire carry them.
        static Dictionary<string, string> Labels() => new() { [new string("app.kubernetes.io/part-of")] = new string("bastio") };
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "5", Labels()), Widget.Create("ns", "b", "6", Labels()));
        var informer = Start(new InformerOptions { Strings = new StringPool() });
        await informer.WaitForSyncAsync();

        var a = informer.Store.Get("ns", "a")!.Metadata.Labels!.Single();
        var b = informer.Store.Get("ns", "b")!.Metadata.Labels!.Single();

        b.Key.Should().BeSameAs(a.Key);
        b.Value.Should().BeSameAs(a.Value);
        a.Should().Be(new KeyValuePair<string, string>("app.kubernetes.io/part-of", "bastio"));
    }

    [Fact]
    public async Task Without_interning_each_cached_object_keeps_its_own_strings()
    {
        static Dictionary<string, string> Labels() => new() { [new string("app.kubernetes.io/part-of")] = new string("bastio") };
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "5", Labels()), Widget.Create("ns", "b", "6", Labels()));
        var informer = Start(new InformerOptions { InternStrings = false });
        await informer.WaitForSyncAsync();

        informer.Store.Get("ns", "b")!.Metadata.Labels!.Single().Key
            .Should().NotBeSameAs(informer.Store.Get("ns", "a")!.Metadata.Labels!.Single().Key);
    }

    [Fact]
    public async Task The_transform_shapes_objects_before_the_cache_and_the_handlers_see_them()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "5", new() { ["drop-me"] = "x", ["keep"] = "y" }));
        var informer = Start(new InformerOptions { Transform = o => o.Metadata.Labels?.Remove("drop-me") });
        var watch = await _client.NextWatchAsync();
        await informer.WaitForSyncAsync();
        using var events = new EventCollector<Widget>(informer);

        watch.Send(WatchEventType.Added, Widget.Create("ns", "b", "11", new() { ["drop-me"] = "x" }));

        informer.Store.Get("ns", "a")!.Metadata.Labels.Should().Equal(new Dictionary<string, string> { ["keep"] = "y" });
        (await events.WaitForAsync(InformerEventType.Added, "b")).Object.Metadata.Labels.Should().BeEmpty();
    }

    [Fact]
    public async Task Subscribers_get_cached_objects_then_changes_in_order()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "5"));
        var informer = Start();
        var watch = await _client.NextWatchAsync();
        await informer.WaitForSyncAsync();

        using var events = new EventCollector<Widget>(informer);
        watch.Send(WatchEventType.Modified, Widget.Create("ns", "a", "11"));
        watch.Send(WatchEventType.Added, Widget.Create("ns", "b", "12"));
        watch.Send(WatchEventType.Deleted, Widget.Create("ns", "a", "13"));

        (await events.WaitForAsync(InformerEventType.Added, "a")).Object.Metadata.ResourceVersion.Should().Be("5");
        var updated = await events.WaitForAsync(InformerEventType.Updated, "a");
        updated.OldObject!.Metadata.ResourceVersion.Should().Be("5");
        await events.WaitForAsync(InformerEventType.Added, "b");
        await events.WaitForAsync(InformerEventType.Deleted, "a");
        informer.Store.List().Select(w => w.Metadata.Name).Should().Equal("b");
    }

    [Fact]
    public async Task A_resumed_watch_starts_from_the_last_event_or_bookmark_without_relisting()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10");
        var informer = Start();
        var first = await _client.NextWatchAsync();

        first.Send(WatchEventType.Added, Widget.Create("ns", "a", "11"));
        first.Bookmark("20");
        first.Events.Writer.Complete();
        var second = await _client.NextWatchAsync();
        second.Send(WatchEventType.Added, Widget.Create("ns", "b", "21"));
        second.Events.Writer.Complete(new IOException("connection reset"));
        var third = await _client.NextWatchAsync();

        second.Options.ResourceVersion.Should().Be("20");
        third.Options.ResourceVersion.Should().Be("21");
        _client.Lists.Should().Be(1);
        informer.WatchRestarts.Should().Be(2);
        informer.Store.Count.Should().Be(2);
    }

    [Fact]
    public async Task A_410_relists_and_emits_only_the_differences_including_deletions()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "same", "1"), Widget.Create("ns", "changed", "2"), Widget.Create("ns", "gone", "3"));
        var informer = Start();
        var watch = await _client.NextWatchAsync();
        await informer.WaitForSyncAsync();
        using var events = new EventCollector<Widget>(informer);
        events.Drain();

        _client.OnList = _ => ScriptedResourceClient.ListOf("50", Widget.Create("ns", "same", "1"), Widget.Create("ns", "changed", "40"), Widget.Create("ns", "new", "45"));
        watch.Events.Writer.Complete(new GoneException(new V1Status { Code = 410, Reason = "Expired" }));
        var afterRelist = await _client.NextWatchAsync();

        afterRelist.Options.ResourceVersion.Should().Be("50");
        var changes = events.Drain().Select(e => (e.Type, e.Object.Metadata.Name)).ToList();
        changes.Should().BeEquivalentTo(new[]
        {
            (InformerEventType.Updated, "changed"),
            (InformerEventType.Added, "new"),
            (InformerEventType.Deleted, "gone"),
        });
        informer.Relists.Should().Be(1);
        informer.Store.Get("ns", "gone").Should().BeNull();
    }

    [Fact]
    public async Task A_watch_that_expires_again_right_after_a_relist_backs_off_instead_of_spinning()
    {
        var time = new ManualTimeProvider();
        _client.OnList = _ => ScriptedResourceClient.ListOf("10");
        Start(new InformerOptions { WatchdogTimeout = Timeout.InfiniteTimeSpan }, time);
        var gone = new GoneException(new V1Status { Code = 410 });

        (await _client.NextWatchAsync()).Events.Writer.Complete(gone);
        (await _client.NextWatchAsync()).Events.Writer.Complete(gone);
        await Eventually.UntilAsync(() => time.ActiveTimers == 1, "the informer waits on its backoff");

        _client.Lists.Should().Be(2, "the first 410 relists at once, the second waits");
        time.Advance(TimeSpan.FromMinutes(1));
        await _client.NextWatchAsync();
        _client.Lists.Should().Be(3);
    }

    [Fact]
    public async Task A_silent_watch_is_restarted_by_the_watchdog_from_the_last_version()
    {
        var time = new ManualTimeProvider();
        _client.OnList = _ => ScriptedResourceClient.ListOf("10");
        var informer = Start(new InformerOptions { WatchdogTimeout = TimeSpan.FromSeconds(60) }, time);
        var first = await _client.NextWatchAsync();
        first.Bookmark("15");
        await Eventually.UntilAsync(() => time.ActiveTimers == 1 && informer.LastSyncTime is not null, "the bookmark is processed");

        time.Advance(TimeSpan.FromSeconds(59));
        first.Bookmark("16");
        await Eventually.UntilAsync(() => informer.LastSyncTime == time.GetUtcNow(), "the second bookmark is processed");
        time.Advance(TimeSpan.FromSeconds(59));
        informer.WatchRestarts.Should().Be(0, "every event resets the watchdog");

        time.Advance(TimeSpan.FromSeconds(2));
        var second = await _client.NextWatchAsync();

        second.Options.ResourceVersion.Should().Be("16");
        informer.WatchRestarts.Should().Be(1);
        _client.Lists.Should().Be(1);
    }

    [Fact]
    public async Task Several_namespaces_get_one_watch_each_and_a_relist_of_one_leaves_the_other_alone()
    {
        _client.OnList = ns => ScriptedResourceClient.ListOf("10", Widget.Create(ns, $"w-{ns}", "5"));
        var options = new InformerOptions();
        options.Namespaces.Add("x");
        options.Namespaces.Add("y");
        var informer = Start(options);
        var watches = new[] { await _client.NextWatchAsync(), await _client.NextWatchAsync() };
        await informer.WaitForSyncAsync();

        watches.Select(w => w.Namespace).Should().BeEquivalentTo("x", "y");
        informer.Store.Count.Should().Be(2);

        _client.OnList = ns => ScriptedResourceClient.ListOf("20");
        watches.Single(w => w.Namespace == "x").Events.Writer.Complete(new GoneException(new V1Status { Code = 410 }));
        await _client.NextWatchAsync();

        informer.Store.Get("x", "w-x").Should().BeNull();
        informer.Store.Get("y", "w-y").Should().NotBeNull();
    }

    [Fact]
    public async Task Indexes_follow_updates_and_deletions()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "1", new() { ["proxy"] = "p1" }));
        var informer = new Informer<Widget>(_client);
        informer.AddIndex("byProxy", w => w.Metadata.Labels is { } l && l.TryGetValue("proxy", out var p) ? [p] : []);
        informer.AddIndex("broken", w => throw new InvalidOperationException("bad index"));
        _running = informer.RunAsync(_stop.Token);
        var watch = await _client.NextWatchAsync();
        await informer.WaitForSyncAsync();
        using var events = new EventCollector<Widget>(informer);

        informer.Store.ByIndex("byProxy", "p1").Select(w => w.Metadata.Name).Should().Equal("a");
        watch.Send(WatchEventType.Modified, Widget.Create("ns", "a", "2", new() { ["proxy"] = "p2" }));
        watch.Send(WatchEventType.Added, Widget.Create("ns", "b", "3", new() { ["proxy"] = "p2" }));
        await events.WaitForAsync(InformerEventType.Added, "b");

        informer.Store.ByIndex("byProxy", "p1").Should().BeEmpty();
        informer.Store.ByIndex("byProxy", "p2").Select(w => w.Metadata.Name).Should().BeEquivalentTo("a", "b");
        informer.Store.ByIndex("broken", "x").Should().BeEmpty("a throwing index function indexes nothing");

        watch.Send(WatchEventType.Deleted, Widget.Create("ns", "a", "4"));
        await events.WaitForAsync(InformerEventType.Deleted, "a");
        informer.Store.ByIndex("byProxy", "p2").Select(w => w.Metadata.Name).Should().Equal("b");
        FluentActions.Invoking(() => informer.Store.ByIndex("nope", "x")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task ManagedFields_are_stripped_unless_asked_to_keep_them()
    {
        Widget WithManagedFields() =>
            new() { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "a", ResourceVersion = "1", ManagedFields = [new V1ManagedFieldsEntry()] } };

        _client.OnList = _ => ScriptedResourceClient.ListOf("10", WithManagedFields());
        var stripping = Start();
        await stripping.WaitForSyncAsync();

        stripping.Store.Get("ns", "a")!.Metadata.ManagedFields.Should().BeNull();

        var keeping = new Informer<Widget>(_client, new InformerOptions { StripManagedFields = false });
        var run = keeping.RunAsync(_stop.Token);
        await keeping.WaitForSyncAsync();
        keeping.Store.Get("ns", "a")!.Metadata.ManagedFields.Should().NotBeNull();
    }

    [Fact]
    public async Task A_failing_list_is_retried_with_backoff_until_it_succeeds()
    {
        var failures = 2;
        _client.OnList = _ => Interlocked.Decrement(ref failures) >= 0
            ? throw new ServerErrorException(System.Net.HttpStatusCode.ServiceUnavailable, new V1Status { Code = 503 }, null)
            : ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "1"));
        var informer = Start(new InformerOptions { MinBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) });

        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        _client.Lists.Should().Be(3);
        informer.Store.Count.Should().Be(1);
    }

    [Fact]
    public async Task While_the_api_server_is_unreachable_attempts_stay_a_second_apart_instead_of_backing_off()
    {
        var time = new ManualTimeProvider();
        _client.OnList = _ => throw new HttpRequestException("Connection refused (127.0.0.1:6443)");
        Start(new InformerOptions { WatchdogTimeout = Timeout.InfiniteTimeSpan }, time);

        // Backing off from 0.8 s to 30 s (plus jitter) would make about six attempts in this minute.
        (await AttemptsInAMinuteAsync(time)).Should().BeGreaterThanOrEqualTo(60);
    }

    [Fact]
    public async Task Errors_the_api_server_answers_keep_the_exponential_backoff()
    {
        var time = new ManualTimeProvider();
        _client.OnList = _ => throw new ServerErrorException(System.Net.HttpStatusCode.ServiceUnavailable, new V1Status { Code = 503 }, null);
        Start(new InformerOptions { WatchdogTimeout = Timeout.InfiniteTimeSpan }, time);

        (await AttemptsInAMinuteAsync(time)).Should().BeLessThanOrEqualTo(7, "a server that answers is up but struggling: it is not hammered");
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_other_handlers_or_the_informer()
    {
        _client.OnList = _ => ScriptedResourceClient.ListOf("10");
        var informer = Start();
        var watch = await _client.NextWatchAsync();
        using var _ = informer.Subscribe(_ => throw new InvalidOperationException("handler bug"));
        using var events = new EventCollector<Widget>(informer);

        watch.Send(WatchEventType.Added, Widget.Create("ns", "a", "11"));
        watch.Send(WatchEventType.Added, Widget.Create("ns", "b", "12"));

        await events.WaitForAsync(InformerEventType.Added, "b");
        informer.Store.Count.Should().Be(2);
    }

    [Fact]
    public void Namespaces_are_refused_for_a_cluster_scoped_kind()
    {
        var options = new InformerOptions();
        options.Namespaces.Add("x");
        var client = new PartitionableResourceClient<Widget>(_client, Widget.Type with { Namespaced = false });

        FluentActions.Invoking(() => new Informer<Widget>(client, options)).Should().Throw<ArgumentException>();
    }

    /// <summary>Moves the clock a minute on, a second at a time, letting the informer wait between steps; returns the list attempts made.</summary>
    private async Task<int> AttemptsInAMinuteAsync(ManualTimeProvider time)
    {
        for (var second = 0; second < 60; second++)
        {
            await time.WaitForTimersAsync();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await time.WaitForTimersAsync();
        return _client.Lists;
    }

    private Informer<Widget> Start(InformerOptions? options = null, TimeProvider? time = null)
    {
        var informer = new Informer<Widget>(_client, options, timeProvider: time);
        _running = informer.RunAsync(_stop.Token);
        return informer;
    }
}
