using System.Security.Cryptography;
using Bastio.Core.Keys;
using Bastio.Operator.Objects;

namespace Bastio.Operator.Controllers.ApiKeys;

internal enum KeyAction
{
    /// <summary>Nothing to write.</summary>
    UpToDate,

    /// <summary>Generate a key, store its verifier as pending, deliver it, then promote it.</summary>
    Issue,

    /// <summary>The delivery Secret already holds the pending key: make it current.</summary>
    Promote,

    /// <summary>A previous key's grace period is over: drop its verifier (and any other whose grace ended).</summary>
    ExpirePrevious,
}

internal enum IssueReason
{
    None,

    /// <summary>No key was ever issued.</summary>
    Initial,

    /// <summary>A rotation was requested through the annotation.</summary>
    Requested,

    /// <summary>A key's verifier was stored but the key never reached the delivery Secret (crash); its plaintext is gone.</summary>
    Interrupted,

    /// <summary>The delivery Secret lost the current key (deleted or edited): the plaintext cannot be recovered.</summary>
    DeliveryLost,
}

internal sealed record KeyPlan(KeyAction Action, IssueReason Reason = IssueReason.None);

/// <summary>
/// Decides the next write of an ApiKey's key lifecycle from what is stored, never from memory, so
/// a reconcile that was killed between two writes is finished by the next one. The write order is
/// pending verifier → delivery Secret → promotion, which keeps every delivered key acceptable to
/// the gateway and never drops a verifier of a key that might still be delivered.
/// </summary>
internal static class RotationPlanner
{
    /// <param name="stored">The verifier Secret's content, or null when there is none.</param>
    /// <param name="delivered">SHA-256 of the delivery Secret's key, or null when it holds none.</param>
    /// <param name="rotationRequest">The rotate-requested-at annotation, or null.</param>
    /// <param name="lastRotationRequest">status.lastRotationRequest.</param>
    public static KeyPlan Plan(StoredKey? stored, byte[]? delivered, string? rotationRequest, string? lastRotationRequest, DateTimeOffset now)
    {
        if (stored is null)
        {
            return new(KeyAction.Issue, IssueReason.Initial);
        }

        if (stored.Pending is not null)
        {
            return Same(delivered, stored.Pending)
                ? new(KeyAction.Promote)
                : new(KeyAction.Issue, IssueReason.Interrupted);
        }

        if (stored.Current is null)
        {
            return new(KeyAction.Issue, IssueReason.Initial);
        }

        if (!Same(delivered, stored.Current))
        {
            return new(KeyAction.Issue, IssueReason.DeliveryLost);
        }

        if (stored.Previous.Any(previous => previous.ExpiresAt <= now))
        {
            return new(KeyAction.ExpirePrevious);
        }

        if (IsUnserved(rotationRequest, stored.ServedRotationRequest, lastRotationRequest))
        {
            return new(KeyAction.Issue, IssueReason.Requested);
        }

        return new(KeyAction.UpToDate);
    }

    /// <summary>
    /// A request is served once it was recorded either on the verifier Secret (at promotion) or in
    /// status; the verifier Secret covers a crash between promotion and the status write.
    /// </summary>
    public static bool IsUnserved(string? rotationRequest, string? servedOnSecret, string? servedInStatus) =>
        !string.IsNullOrEmpty(rotationRequest)
        && !string.Equals(rotationRequest, servedOnSecret, StringComparison.Ordinal)
        && !string.Equals(rotationRequest, servedInStatus, StringComparison.Ordinal);

    /// <summary>
    /// The stored key after the pending key was delivered: pending becomes current, current becomes the
    /// newest previous key with its own grace end. Earlier previous keys keep theirs; beyond
    /// <see cref="KeyVerifiers.MaxPrevious"/> the oldest is dropped. A rotation without grace (regenerate)
    /// drops every previous key: whoever asks for that wants only the new key to work.
    /// </summary>
    public static StoredKey Promote(StoredKey stored, TimeSpan gracePeriod, DateTimeOffset now)
    {
        IReadOnlyList<PreviousVerifier> previous = gracePeriod <= TimeSpan.Zero
            ? []
            : stored.Current is null
                ? stored.Previous
                : [new PreviousVerifier(stored.Current, Rfc3339.Truncate(now + gracePeriod)), .. stored.Previous.Take(KeyVerifiers.MaxPrevious - 1)];
        return stored with
        {
            Version = stored.Current is null ? Math.Max(stored.Version, 1) : stored.Version + 1,
            Current = stored.Pending,
            Pending = null,
            Previous = previous,
            RotatedAt = stored.Current is null ? stored.RotatedAt : Rfc3339.Truncate(now),
        };
    }

    /// <summary>The stored key without the previous keys whose grace ended, and the versions those keys had.</summary>
    public static (StoredKey Remaining, IReadOnlyList<int> ExpiredVersions) ExpirePrevious(StoredKey stored, DateTimeOffset now)
    {
        // Previous keys are newest first and each rotation adds one, so the i-th is version - 1 - i.
        var expired = stored.Previous
            .Select((previous, index) => (previous, Version: stored.Version - 1 - index))
            .Where(entry => entry.previous.ExpiresAt <= now)
            .ToList();
        var remaining = stored with { Previous = [.. stored.Previous.Where(previous => !(previous.ExpiresAt <= now))] };
        return (remaining, [.. expired.Select(entry => entry.Version)]);
    }

    /// <summary>The earliest grace end among the previous keys: when the next <see cref="KeyAction.ExpirePrevious"/> is due.</summary>
    public static DateTimeOffset? NextPreviousExpiry(StoredKey stored) =>
        stored.Previous.Min(previous => previous.ExpiresAt);

    private static bool Same(byte[]? a, byte[]? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(a, b);
}
