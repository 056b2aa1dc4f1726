using Bastio.Core.Keys;
using Bastio.Operator.Controllers.ApiKeys;

namespace Bastio.Operator.Tests.Unit;

public sealed class RotationPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private static readonly byte[] A = ClientKeyVerifier.Compute("a");
    private static readonly byte[] B = ClientKeyVerifier.Compute("b");

    [Fact]
    public void Nothing_stored_issues_the_first_key()
    {
        RotationPlanner.Plan(null, null, null, null, Now).Should().Be(new KeyPlan(KeyAction.Issue, IssueReason.Initial));
    }

    [Fact]
    public void Pending_key_that_reached_the_delivery_secret_is_promoted()
    {
        var stored = Stored(current: A, pending: B);
        RotationPlanner.Plan(stored, B, null, null, Now).Action.Should().Be(KeyAction.Promote);
    }

    [Fact]
    public void Pending_key_that_never_reached_the_delivery_secret_is_replaced_by_a_new_one()
    {
        // Its plaintext only ever existed in the memory of the reconcile that died.
        var stored = Stored(current: A, pending: B);
        RotationPlanner.Plan(stored, A, null, null, Now).Should().Be(new KeyPlan(KeyAction.Issue, IssueReason.Interrupted));
    }

    [Fact]
    public void Lost_delivery_issues_a_new_key()
    {
        RotationPlanner.Plan(Stored(current: A), null, null, null, Now).Should().Be(new KeyPlan(KeyAction.Issue, IssueReason.DeliveryLost));
        RotationPlanner.Plan(Stored(current: A), B, null, null, Now).Should().Be(new KeyPlan(KeyAction.Issue, IssueReason.DeliveryLost));
    }

    [Fact]
    public void Unserved_request_rotates_and_a_served_one_does_not()
    {
        RotationPlanner.Plan(Stored(current: A), A, "t1", null, Now).Should().Be(new KeyPlan(KeyAction.Issue, IssueReason.Requested));
        RotationPlanner.Plan(Stored(current: A), A, "t1", "t1", Now).Action.Should().Be(KeyAction.UpToDate);

        // Recorded on the verifier Secret at promotion: a crash before the status write must not rotate twice.
        RotationPlanner.Plan(Stored(current: A, served: "t1"), A, "t1", null, Now).Action.Should().Be(KeyAction.UpToDate);
    }

    [Fact]
    public void Previous_key_expires_at_the_end_of_its_grace_period_and_not_before()
    {
        RotationPlanner.Plan(Stored(current: A, previous: B, previousExpiresAt: Now.AddSeconds(1)), A, null, null, Now).Action.Should().Be(KeyAction.UpToDate);
        RotationPlanner.Plan(Stored(current: A, previous: B, previousExpiresAt: Now), A, null, null, Now).Action.Should().Be(KeyAction.ExpirePrevious);
    }

    [Fact]
    public void Promotion_keeps_the_old_key_for_the_grace_period()
    {
        var promoted = RotationPlanner.Promote(Stored(current: A, pending: B) with { Version = 3 }, TimeSpan.FromHours(24), Now);
        promoted.Current.Should().Equal(B);
        promoted.Previous.Should().Equal(A);
        promoted.Pending.Should().BeNull();
        promoted.Version.Should().Be(4);
        promoted.PreviousExpiresAt.Should().Be(Now.AddHours(24));
    }

    [Fact]
    public void Promotion_with_zero_grace_drops_the_old_key_at_once()
    {
        var promoted = RotationPlanner.Promote(Stored(current: A, pending: B), TimeSpan.Zero, Now);
        promoted.Previous.Should().BeNull();
        promoted.PreviousExpiresAt.Should().BeNull();
    }

    [Fact]
    public void First_promotion_is_version_one_without_previous()
    {
        var promoted = RotationPlanner.Promote(Stored(pending: A) with { Version = 0 }, TimeSpan.FromHours(24), Now);
        promoted.Version.Should().Be(1);
        promoted.Current.Should().Equal(A);
        promoted.Previous.Should().BeNull();
    }

    private static StoredKey Stored(byte[]? current = null, byte[]? pending = null, byte[]? previous = null, DateTimeOffset? previousExpiresAt = null, string? served = null) =>
        new("AAAAAAAAAAAA", 1, current, pending, previous, previousExpiresAt, served);
}
