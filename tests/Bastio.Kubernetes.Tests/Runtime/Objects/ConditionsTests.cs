using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;

namespace Bastio.Kubernetes.Tests.Runtime.Objects;

public sealed class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, 500, TimeSpan.Zero);

    [Fact]
    public void A_new_condition_gets_the_transition_time_truncated_to_seconds()
    {
        var status = new WidgetStatus();

        Conditions.Set(status, "Ready", Conditions.True, "Synced", "ok", 3, T0).Should().BeTrue();

        var ready = Conditions.Find(status.Conditions, "Ready")!;
        ready.LastTransitionTime.Should().Be(new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc));
        ready.ObservedGeneration.Should().Be(3);
        status.ObservedGeneration.Should().Be(3);
        Conditions.IsTrue(status.Conditions, "Ready").Should().BeTrue();
    }

    [Fact]
    public void The_transition_time_changes_only_when_the_status_changes()
    {
        var status = new WidgetStatus();
        Conditions.Set(status, "Ready", Conditions.True, "Synced", "ok", 1, T0);

        Conditions.Set(status, "Ready", Conditions.True, "StillSynced", "fine", 2, T0.AddMinutes(1)).Should().BeTrue();
        Conditions.Find(status.Conditions, "Ready")!.LastTransitionTime.Should().Be(T0.AddMilliseconds(-500).UtcDateTime);

        Conditions.Set(status, "Ready", Conditions.False, "Broken", "no", 2, T0.AddMinutes(2)).Should().BeTrue();
        Conditions.Find(status.Conditions, "Ready")!.LastTransitionTime.Should().Be(T0.AddMinutes(2).AddMilliseconds(-500).UtcDateTime);
        status.Conditions.Should().HaveCount(1);
    }

    [Fact]
    public void Setting_the_same_condition_again_reports_no_change()
    {
        var status = new WidgetStatus();
        Conditions.Set(status, "Ready", Conditions.True, "Synced", "ok", 1, T0);

        Conditions.Set(status, "Ready", Conditions.True, "Synced", "ok", 1, T0.AddHours(1)).Should().BeFalse();
    }

    [Fact]
    public void An_invalid_status_is_refused_and_Remove_reports_presence()
    {
        var conditions = new List<V1Condition>();

        FluentActions.Invoking(() => Conditions.Set(conditions, new V1Condition { Type = "Ready", Status = "yes" }, T0))
            .Should().Throw<ArgumentException>().WithMessage("*True, False or Unknown*");
        Conditions.Set(conditions, new V1Condition { Type = "Ready", Status = Conditions.Unknown }, T0);
        Conditions.Remove(conditions, "Ready").Should().BeTrue();
        Conditions.Remove(conditions, "Ready").Should().BeFalse();
    }
}
