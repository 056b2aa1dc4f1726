using System.Globalization;
using System.Text;
using Bastio.Core.Encryption;

namespace Bastio.Core.Keys;

/// <summary>A key replaced by a rotation, accepted until its own grace period ends (<see cref="ExpiresAt"/>; null: no end).</summary>
public sealed record PreviousVerifier(byte[] Verifier, DateTimeOffset? ExpiresAt);

/// <summary>
/// What an ApiKey's verifier Secret holds, decrypted: SHA-256 verifiers of the current key, of a key
/// being rotated in (<see cref="Pending"/>) and of earlier keys during their grace periods
/// (<see cref="Previous"/>, newest first, at most <see cref="MaxPrevious"/>). The operator writes it and
/// the gateway reads it; both go through <see cref="Encode"/> and <see cref="Decode"/>, so the layout
/// (<see cref="WellKnown.VerifierSecret"/>) is written down once.
/// </summary>
public sealed record KeyVerifiers(
    string KeyId,
    int Version,
    byte[]? Current,
    byte[]? Pending,
    IReadOnlyList<PreviousVerifier> Previous,
    long Epoch = 0)
{
    /// <summary>
    /// Previous keys kept at most: rotations within one grace period keep each earlier key until its own
    /// grace ends, and a sixth rotation within one grace period drops the oldest at once. Bounds the
    /// Secret's size and the constant-time comparisons per request.
    /// </summary>
    public const int MaxPrevious = 5;

    /// <summary>The data keys holding an encrypted verifier (a KEK rotation re-encrypts these).</summary>
    public static IReadOnlyList<string> EncryptedSlots { get; } =
        [WellKnown.VerifierSecret.Current, WellKnown.VerifierSecret.Pending, .. Enumerable.Range(0, MaxPrevious).Select(PreviousSlot)];

    /// <summary>The associated data binding an ApiKey's verifiers to that ApiKey (a copy to another key's Secret does not decrypt).</summary>
    public static CiphertextBinding Binding(string @namespace, string name, string uid) => new("ApiKey", @namespace, name, uid);

    /// <summary>The data key of the <paramref name="index"/>-th previous verifier (0: the newest, the layout's original <c>previous</c>).</summary>
    public static string PreviousSlot(int index) => Numbered(WellKnown.VerifierSecret.Previous, index);

    /// <summary>The data key of the <paramref name="index"/>-th previous verifier's grace end.</summary>
    public static string PreviousExpirySlot(int index) => Numbered(WellKnown.VerifierSecret.PreviousExpiresAt, index);

    /// <summary>The latest grace end among the previous keys: until then some previous key may be accepted.</summary>
    public DateTimeOffset? LastPreviousExpiry => Previous.Count == 0 ? null : Previous.Max(previous => previous.ExpiresAt);

    /// <summary>The Secret data, verifiers encrypted under the ring's active KEK.</summary>
    public Dictionary<string, byte[]> Encode(EncryptionKeyRing ring, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (Previous.Count > MaxPrevious)
        {
            throw new ArgumentException($"At most {MaxPrevious} previous verifiers are stored.", nameof(Previous));
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WellKnown.VerifierSecret.KeyId] = Encoding.UTF8.GetBytes(KeyId),
            [WellKnown.VerifierSecret.Version] = Encoding.UTF8.GetBytes(Version.ToString(CultureInfo.InvariantCulture)),
        };
        void Seal(string slot, byte[]? verifier)
        {
            if (verifier is not null)
            {
                data[slot] = Encoding.UTF8.GetBytes(ring.Encrypt(verifier, binding));
            }
        }

        Seal(WellKnown.VerifierSecret.Current, Current);
        Seal(WellKnown.VerifierSecret.Pending, Pending);
        for (var index = 0; index < Previous.Count; index++)
        {
            Seal(PreviousSlot(index), Previous[index].Verifier);
            if (Previous[index].ExpiresAt is { } expiresAt)
            {
                // RFC 3339 at whole seconds, as Kubernetes writes timestamps.
                data[PreviousExpirySlot(index)] =
                    Encoding.UTF8.GetBytes(expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
        }

        if (Epoch > 0)
        {
            data[WellKnown.VerifierSecret.Epoch] = Encoding.UTF8.GetBytes(Epoch.ToString(CultureInfo.InvariantCulture));
        }

        return data;
    }

    /// <summary>Reads verifier Secret data; null when it names no key id. Reads the one-previous layout of earlier operators too.</summary>
    /// <exception cref="DecryptionFailedException">A verifier does not decrypt (tampered, wrong object, unknown KEK).</exception>
    /// <exception cref="FormatException">The version, epoch or an expiry is not what <see cref="Encode"/> writes.</exception>
    public static KeyVerifiers? Decode(IReadOnlyDictionary<string, byte[]>? data, EncryptionKeyRing ring, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (data is null || !data.TryGetValue(WellKnown.VerifierSecret.KeyId, out var keyId))
        {
            return null;
        }

        byte[]? Open(string slot) =>
            data.TryGetValue(slot, out var value) ? ring.Decrypt(Encoding.UTF8.GetString(value), binding) : null;

        var version = 0;
        if (data.TryGetValue(WellKnown.VerifierSecret.Version, out var versionText)
            && !int.TryParse(Encoding.UTF8.GetString(versionText), NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            throw new FormatException($"{WellKnown.VerifierSecret.Version} is not a whole number.");
        }

        var previous = new List<PreviousVerifier>();
        for (var index = 0; index < MaxPrevious; index++)
        {
            if (Open(PreviousSlot(index)) is not { } verifier)
            {
                continue;
            }

            DateTimeOffset? expiresAt = null;
            if (data.TryGetValue(PreviousExpirySlot(index), out var expiresText))
            {
                expiresAt = DateTimeOffset.TryParse(Encoding.UTF8.GetString(expiresText), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : throw new FormatException($"{PreviousExpirySlot(index)} is not an RFC 3339 time.");
            }

            previous.Add(new PreviousVerifier(verifier, expiresAt));
        }

        return new KeyVerifiers(
            Encoding.UTF8.GetString(keyId),
            version,
            Open(WellKnown.VerifierSecret.Current),
            Open(WellKnown.VerifierSecret.Pending),
            previous,
            ReadEpoch(data));
    }

    /// <summary>The verifier epoch a Secret's data records (0 when none); plain text, so readable without the key ring.</summary>
    /// <exception cref="FormatException">The epoch is not a whole number.</exception>
    public static long ReadEpoch(IReadOnlyDictionary<string, byte[]>? data) =>
        data is null || !data.TryGetValue(WellKnown.VerifierSecret.Epoch, out var text)
            ? 0
            : long.TryParse(Encoding.UTF8.GetString(text), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                ? epoch
                : throw new FormatException($"{WellKnown.VerifierSecret.Epoch} is not a whole number.");

    private static string Numbered(string slot, int index) =>
        index == 0 ? slot : slot + WellKnown.VerifierSecret.OlderPreviousSeparator + (index + 1).ToString(CultureInfo.InvariantCulture);
}
