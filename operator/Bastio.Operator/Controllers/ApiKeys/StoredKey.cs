namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// What an ApiKey's verifier Secret holds, decrypted: SHA-256 verifiers of the current key, of a
/// key being rotated in (<see cref="Pending"/>) and of the previous key during its grace period.
/// </summary>
internal sealed record StoredKey(
    string KeyId,
    int Version,
    byte[]? Current,
    byte[]? Pending,
    byte[]? Previous,
    DateTimeOffset? PreviousExpiresAt,
    string? ServedRotationRequest,
    DateTimeOffset? RotatedAt = null);
