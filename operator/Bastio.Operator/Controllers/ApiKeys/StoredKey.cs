using Bastio.Core.Keys;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// What an ApiKey's verifier Secret holds, decrypted: SHA-256 verifiers of the current key, of a key
/// being rotated in (<see cref="Pending"/>) and of earlier keys during their grace periods
/// (<see cref="Previous"/>, newest first), plus the verifier epoch of the last write that added one.
/// </summary>
internal sealed record StoredKey(
    string KeyId,
    int Version,
    byte[]? Current,
    byte[]? Pending,
    IReadOnlyList<PreviousVerifier> Previous,
    string? ServedRotationRequest,
    DateTimeOffset? RotatedAt = null,
    long Epoch = 0);
