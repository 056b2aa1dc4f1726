using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bastio.Kubernetes.Runtime.Controllers;

/// <summary>Instrument names; the host chooses them (the operator uses <c>bastio_operator_*</c>).</summary>
public sealed record ControllerMetricNames
{
    /// <summary>Counter tagged <c>controller</c> and <c>result</c> (success, requeue, error, terminal_error).</summary>
    public string ReconcileTotal { get; init; } = "controller_reconcile_total";

    /// <summary>Histogram in seconds, tagged <c>controller</c>.</summary>
    public string ReconcileDuration { get; init; } = "controller_reconcile_duration_seconds";

    /// <summary>Observable gauge of ready queue items, tagged <c>controller</c>.</summary>
    public string WorkQueueDepth { get; init; } = "controller_workqueue_depth";
}

/// <summary>Reconcile metrics on a caller-owned <see cref="Meter"/>, shared by all controllers of a process.</summary>
public sealed class ControllerMetrics
{
    private readonly Counter<long> _reconciles;
    private readonly Histogram<double> _duration;
    private readonly Lock _lock = new();
    private Controller[] _controllers = [];

    public ControllerMetrics(Meter meter, ControllerMetricNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(meter);
        names ??= new ControllerMetricNames();
        _reconciles = meter.CreateCounter<long>(names.ReconcileTotal, description: "Reconciles by controller and result.");
        _duration = meter.CreateHistogram<double>(names.ReconcileDuration, unit: "s", description: "Time spent in one reconcile.");
        meter.CreateObservableGauge(names.WorkQueueDepth, ObserveDepth, description: "Keys waiting to be reconciled.");
    }

    internal void Track(Controller controller)
    {
        lock (_lock)
        {
            _controllers = [.. _controllers, controller];
        }
    }

    internal void RecordReconcile(string controller, ReconcileOutcome outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("controller", controller);
        _reconciles.Add(1, tag, new KeyValuePair<string, object?>("result", ResultLabel(outcome)));
        _duration.Record(duration.TotalSeconds, tag);
    }

    internal static string ResultLabel(ReconcileOutcome outcome) => outcome switch
    {
        ReconcileOutcome.Done => "success",
        ReconcileOutcome.Requeue => "requeue",
        ReconcileOutcome.Error => "error",
        ReconcileOutcome.TerminalError => "terminal_error",
        _ => throw new UnreachableException(),
    };

    private IEnumerable<Measurement<int>> ObserveDepth()
    {
        foreach (var controller in Volatile.Read(ref _controllers))
        {
            yield return new Measurement<int>(controller.QueueDepth, new KeyValuePair<string, object?>("controller", controller.Name));
        }
    }
}
