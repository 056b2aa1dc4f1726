using Bastio.Core.Keys;
using Bastio.Operator.Controllers.ApiKeys;

namespace Bastio.Operator.Tests.Unit;

public sealed class RotationPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private static readonly byte[] A = ClientKeyVerifier.Compute("a");
    private static readonly byte[] B = ClientKeyVerifier.Compute("b");
    private static readonly byte[] C = ClientKeyVerifier.Compute("c");

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
        RotationPlanner.Plan(Stored(current: A, previous: [new(B, Now.AddSeconds(1))]), A, null, null, Now).Action.Should().Be(KeyAction.UpToDate);
        RotationPlanner.Plan(Stored(current: A, previous: [new(B, Now)]), A, null, null, Now).Action.Should().Be(KeyAction.ExpirePrevious);
    }

    [Fact]
    public void An_older_previous_key_whose_grace_ended_expires_while_a_newer_one_is_kept()
    {
        var stored = Stored(current: A, previous: [new(B, Now.AddMinutes(5)), new(C, Now.AddSeconds(-1))]) with { Version = 3 };

        RotationPlanner.Plan(stored, A, null, null, Now).Action.Should().Be(KeyAction.ExpirePrevious);
        var (remaining, expiredVersions) = RotationPlanner.ExpirePrevious(stored, Now);

        remaining.Previous.Should().ContainSingle().Which.Verifier.Should().Equal(B);
        expiredVersions.Should().Equal(1);
        RotationPlanner.Plan(remaining, A, null, null, Now).Action.Should().Be(KeyAction.UpToDate);
        RotationPlanner.NextPreviousExpiry(remaining).Should().Be(Now.AddMinutes(5));
    }

    [Fact]
    public void Promotion_keeps_the_old_key_for_the_grace_period()
    {
        var promoted = RotationPlanner.Promote(Stored(current: A, pending: B) with { Version = 3 }, TimeSpan.FromHours(24), Now);
        promoted.Current.Should().Equal(B);
        promoted.Previous.Should().ContainSingle().Which.Should().BeEquivalentTo(new PreviousVerifier(A, Now.AddHours(24)));
        promoted.Pending.Should().BeNull();
        promoted.Version.Should().Be(4);
    }

    [Fact]
    public void Rotations_within_one_grace_period_keep_each_previous_key_until_its_own_grace_ends()
    {
        var grace = TimeSpan.FromMinutes(10);
        var stored = Stored(current: Key(0)) with { Version = 1 };
        for (var rotation = 1; rotation <= 3; rotation++)
        {
            stored = RotationPlanner.Promote(stored with { Pending = Key(rotation) }, grace, Now.AddMinutes(rotation));
        }

        stored.Version.Should().Be(4);
        stored.Current.Should().Equal(Key(3));
        stored.Previous.Select(p => Hex(p.Verifier)).Should().Equal([Hex(Key(2)), Hex(Key(1)), Hex(Key(0))], "newest first");
        stored.Previous.Select(p => p.ExpiresAt).Should().Equal(Now.AddMinutes(13), Now.AddMinutes(12), Now.AddMinutes(11));

        // Each grace ends on its own: at +11 min only version 1 goes.
        var (remaining, expiredVersions) = RotationPlanner.ExpirePrevious(stored, Now.AddMinutes(11));
        expiredVersions.Should().Equal(1);
        remaining.Previous.Select(p => Hex(p.Verifier)).Should().Equal(Hex(Key(2)), Hex(Key(1)));
    }

    [Fact]
    public void Beyond_the_bound_the_oldest_previous_key_is_dropped_first()
    {
        var stored = Stored(current: Key(0));
        for (var rotation = 1; rotation <= KeyVerifiers.MaxPrevious + 1; rotation++)
        {
            stored = RotationPlanner.Promote(stored with { Pending = Key(rotation) }, TimeSpan.FromHours(1), Now);
        }

        stored.Previous.Should().HaveCount(KeyVerifiers.MaxPrevious);
        stored.Previous.Select(p => Hex(p.Verifier)).Should().Equal(Enumerable.Range(1, KeyVerifiers.MaxPrevious).Reverse().Select(n => Hex(Key(n))), "key 0, the oldest, was dropped");
    }

    [Fact]
    public void Promotion_with_zero_grace_drops_every_previous_key_at_once()
    {
        var promoted = RotationPlanner.Promote(Stored(current: A, pending: B, previous: [new(C, Now.AddHours(1))]), TimeSpan.Zero, Now);
        promoted.Previous.Should().BeEmpty("regenerate means only the new key works");
    }

    [Fact]
    public void First_promotion_is_version_one_without_previous()
    {
        var promoted = RotationPlanner.Promote(Stored(pending: A) with { Version = 0 }, TimeSpan.FromHours(24), Now);
        promoted.Version.Should().Be(1);
        promoted.Current.Should().Equal(A);
        promoted.Previous.Should().BeEmpty();
    }

    private static byte[] Key(int number) => ClientKeyVerifier.Compute($"key-{number}");

    private static string Hex(byte[] verifier) => Convert.ToHexString(verifier);

    private static StoredKey Stored(byte[]? current = null, byte[]? pending = null, IReadOnlyList<PreviousVerifier>? previous = null, string? served = null) =>
        new("AAAAAAAAAAAA", 1, current, pending, previous ?? [], served);
}
