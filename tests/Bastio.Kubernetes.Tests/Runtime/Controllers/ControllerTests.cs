using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.Queues;
using Bastio.Kubernetes.Tests.Api;

namespace Bastio.Kubernetes.Tests.Runtime.Controllers;

public sealed class ControllerTests : IAsyncLifetime
{
    private readonly ScriptedResourceClient _client = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private Informer<Widget> _informer = null!;
    private ScriptedResourceClient.WatchCall _watch = null!;

    public async Task InitializeAsync()
    {
        var terminating = Widget.Create("ns", "terminating", "2");
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        terminating.Metadata.Finalizers = ["example.com/cleanup"];
        _client.OnList = _ => ScriptedResourceClient.ListOf("10", Widget.Create("ns", "a", "1"), terminating);
        _informer = new Informer<Widget>(_client);
        _running.Add(_informer.RunAsync(_stop.Token));
        _watch = await _client.NextWatchAsync();
        await _informer.WaitForSyncAsync();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    [Fact]
    public async Task On_start_every_cached_object_is_reconciled_including_ones_already_terminating()
    {
        var reconciler = new ScriptedReconciler((_, _) => ReconcileResult.Done);
        Run(reconciler);

        await reconciler.WaitForCallsAsync("ns/a", 1);
        await reconciler.WaitForCallsAsync("ns/terminating", 1);
    }

    [Fact]
    public async Task Errors_and_exceptions_are_retried_with_backoff_and_success_forgets_the_failures()
    {
        var reconciler = new ScriptedReconciler((key, attempt) => key.Name != "a" ? ReconcileResult.Done : attempt switch
        {
            1 => ReconcileResult.Failed(new InvalidOperationException("transient")),
            2 => throw new TimeoutException("reconciler bug"),
            _ => ReconcileResult.Done,
        });
        var controller = Run(reconciler);

        await reconciler.WaitForCallsAsync("ns/a", 3);
        await Eventually.UntilAsync(() => controller.QueueDepth == 0, "the queue is empty");
        _watch.Send(WatchEventType.Modified, Widget.Create("ns", "a", "11"));
        await reconciler.WaitForCallsAsync("ns/a", 4);
    }

    [Fact]
    public async Task A_terminal_error_is_not_retried_until_the_object_changes()
    {
        var time = new ManualTimeProvider();
        var reconciler = new ScriptedReconciler((key, attempt) => key.Name == "a" && attempt == 1
            ? throw new TerminalReconcileException("spec.model is not a model")
            : ReconcileResult.Done);
        Run(reconciler, time: time);
        await reconciler.WaitForCallsAsync("ns/a", 1);
        await reconciler.WaitForCallsAsync("ns/terminating", 1);

        // Any retry would now be due, and with one worker it would run before the later key.
        time.Advance(TimeSpan.FromHours(1));
        _watch.Send(WatchEventType.Added, Widget.Create("ns", "later", "11"));
        await reconciler.WaitForCallsAsync("ns/later", 1);
        reconciler.Calls("ns/a").Should().Be(1);

        _watch.Send(WatchEventType.Modified, Widget.Create("ns", "a", "12"));
        await reconciler.WaitForCallsAsync("ns/a", 2);
    }

    [Fact]
    public async Task Requeue_reconciles_again_after_the_delay()
    {
        var reconciler = new ScriptedReconciler((key, attempt) => key.Name == "a" && attempt == 1
            ? ReconcileResult.Requeue(TimeSpan.FromMilliseconds(50))
            : ReconcileResult.Done);
        Run(reconciler);

        await reconciler.WaitForCallsAsync("ns/a", 2);
    }

    [Fact]
    public async Task One_key_is_never_reconciled_by_two_workers_at_once()
    {
        var inFlight = new ConcurrentDictionary<ObjectKey, int>();
        var overlaps = 0;
        var reconciler = new ScriptedReconciler(async (key, _, ct) =>
        {
            if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(1, ct);
            inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            return ReconcileResult.Done;
        });
        Run(reconciler, workers: 4);

        for (var i = 0; i < 200; i++)
        {
            _watch.Send(WatchEventType.Modified, Widget.Create("ns", i % 2 == 0 ? "a" : "terminating", $"{100 + i}"));
        }

        _watch.Send(WatchEventType.Added, Widget.Create("ns", "last", "999"));
        await reconciler.WaitForCallsAsync("ns/last", 1);
        overlaps.Should().Be(0);
    }

    [Fact]
    public async Task Cancelling_stops_in_flight_reconciles_at_once()
    {
        var started = new TaskCompletionSource();
        var reconciler = new ScriptedReconciler(async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        using var cts = new CancellationTokenSource();
        var controller = new Controller("widgets", reconciler);
        controller.Watch(_informer);
        var run = controller.RunAsync(cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await cts.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        controller.QueueDepth.Should().Be(0);
    }

    [Fact]
    public async Task Reconciles_are_counted_by_controller_and_result_on_the_hosts_meter()
    {
        using var meter = new Meter($"test-{Guid.NewGuid():N}");
        var counts = new ConcurrentDictionary<(string, string), long>();
        var durations = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "bastio_operator_reconcile_total")
            {
                var t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value as string);
                counts.AddOrUpdate((t["controller"]!, t["result"]!), value, (_, n) => n + value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "bastio_operator_reconcile_duration_seconds")
            {
                Interlocked.Increment(ref durations);
            }
        });
        listener.Start();
        var metrics = new ControllerMetrics(meter, new ControllerMetricNames
        {
            ReconcileTotal = "bastio_operator_reconcile_total",
            ReconcileDuration = "bastio_operator_reconcile_duration_seconds",
            WorkQueueDepth = "bastio_operator_workqueue_depth",
        });
        var reconciler = new ScriptedReconciler((key, attempt) => key.Name == "a" && attempt == 1
            ? ReconcileResult.Failed(new InvalidOperationException("once"))
            : ReconcileResult.Done);

        Run(reconciler, metrics: metrics);
        await reconciler.WaitForCallsAsync("ns/a", 2);
        await Eventually.UntilAsync(() => System.Collections.Generic.CollectionExtensions.GetValueOrDefault(counts, ("apikey", "success")) == 2, "both successes are counted");

        System.Collections.Generic.CollectionExtensions.GetValueOrDefault(counts, ("apikey", "error")).Should().Be(1);
        durations.Should().BeGreaterThanOrEqualTo(3);
        var depth = -1;
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "bastio_operator_workqueue_depth" && tags.ToArray().Any(t => (string?)t.Value == "apikey"))
            {
                depth = value;
            }
        });
        listener.RecordObservableInstruments();
        depth.Should().Be(0);
    }

    private Controller Run(IReconciler reconciler, int workers = 1, ControllerMetrics? metrics = null, TimeProvider? time = null)
    {
        var controller = new Controller(
            "apikey",
            reconciler,
            new ControllerOptions
            {
                Workers = workers,
                RateLimiter = _ => new ItemExponentialFailureRateLimiter<ObjectKey>(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10)),
            },
            metrics,
            timeProvider: time);
        controller.Watch(_informer);
        _running.Add(controller.RunAsync(_stop.Token));
        return controller;
    }

    /// <summary>A reconciler whose answer depends on the key and the attempt number; it counts calls.</summary>
    private sealed class ScriptedReconciler(Func<ObjectKey, int, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler
    {
        private readonly ConcurrentDictionary<ObjectKey, int> _calls = new();

        public ScriptedReconciler(Func<ObjectKey, int, ReconcileResult> reconcile)
            : this((key, attempt, _) => Task.FromResult(reconcile(key, attempt)))
        {
        }

        public int Calls(string key) => System.Collections.Generic.CollectionExtensions.GetValueOrDefault(_calls, ObjectKey.Parse(key));

        public Task WaitForCallsAsync(string key, int count) =>
            Eventually.UntilAsync(() => Calls(key) >= count, $"{key} was reconciled {count} times");

        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) =>
            reconcile(key, _calls.AddOrUpdate(key, 1, (_, n) => n + 1), cancellationToken);
    }
}
