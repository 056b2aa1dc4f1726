namespace Bastio.Core.Keys;

/// <summary>
/// Client keys <c>bastio_sk_&lt;env&gt;_&lt;keyId:12&gt;&lt;secret:32&gt;&lt;check:6&gt;</c> (docs/reference/key-format.md#client-key) and their
/// public id <c>bastio_pk_&lt;env&gt;_&lt;keyId&gt;</c>. The check is the CRC-32 of everything before it in 6
/// base62 digits, so typos and garbage are refused before any lookup.
/// </summary>
public static class ClientKey
{
    public const string SecretKeyPrefix = "bastio_sk_";
    public const string PublicIdPrefix = "bastio_pk_";
    public const int KeyIdLength = 12;
    public const int SecretLength = 32;
    public const int ChecksumLength = 6;

    /// <summary>Longest possible key (the <c>live</c>/<c>test</c> environments): 65 characters.</summary>
    public const int MaxLength = 10 + 5 + KeyIdLength + SecretLength + ChecksumLength;

    private const int BodyLength = KeyIdLength + SecretLength + ChecksumLength;

    /// <summary>A new random key id. It stays with the ApiKey across rotations.</summary>
    public static string NewKeyId() => string.Create(KeyIdLength, 0, static (span, _) => Base62.FillRandom(span));

    /// <summary>A new key for <paramref name="keyId"/> with a fresh 32-character secret from the CSPRNG.</summary>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is not 12 base62 characters.</exception>
    public static string Generate(KeyEnvironment environment, string keyId)
    {
        RequireKeyId(keyId);
        var segment = environment.ToSegment();
        var length = SecretKeyPrefix.Length + segment.Length + 1 + BodyLength;
        return string.Create(length, (segment, keyId), static (span, state) =>
        {
            var position = 0;
            Append(span, ref position, SecretKeyPrefix);
            Append(span, ref position, state.segment);
            Append(span, ref position, "_");
            Append(span, ref position, state.keyId);
            Base62.FillRandom(span.Slice(position, SecretLength));
            position += SecretLength;
            Base62.WriteFixed(Crc32.ComputeAscii(span[..position]), span[position..]);
        });
    }

    /// <summary>
    /// Validates prefix, environment, lengths, alphabet and checksum without allocating. Returns false
    /// for anything that is not a well-formed key; it says nothing about whether the key is known.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ClientKeyParts parts)
    {
        parts = default;
        if (text.Length > MaxLength || !text.StartsWith(SecretKeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var afterPrefix = text[SecretKeyPrefix.Length..];
        if (!KeyEnvironments.TryReadSegment(afterPrefix, out var environment, out var consumed))
        {
            return false;
        }

        var body = afterPrefix[consumed..];
        if (body.Length != BodyLength || !Base62.IsBase62(body))
        {
            return false;
        }

        var checkedLength = text.Length - ChecksumLength;
        Span<char> expected = stackalloc char[ChecksumLength];
        Base62.WriteFixed(Crc32.ComputeAscii(text[..checkedLength]), expected);
        if (!expected.SequenceEqual(text[checkedLength..]))
        {
            return false;
        }

        parts = new ClientKeyParts(environment, body[..KeyIdLength], body.Slice(KeyIdLength, SecretLength));
        return true;
    }

    public static bool IsValidKeyId(ReadOnlySpan<char> keyId) => keyId.Length == KeyIdLength && Base62.IsBase62(keyId);

    /// <summary>The public id <c>bastio_pk_&lt;env&gt;_&lt;keyId&gt;</c> sent in <c>X-Api-Key</c> together with <c>X-Api-Secret</c>.</summary>
    public static string PublicId(KeyEnvironment environment, string keyId)
    {
        RequireKeyId(keyId);
        return string.Concat(PublicIdPrefix, environment.ToSegment(), "_", keyId);
    }

    /// <summary>Parses a public id without allocating.</summary>
    public static bool TryParsePublicId(ReadOnlySpan<char> text, out KeyEnvironment environment, out ReadOnlySpan<char> keyId)
    {
        keyId = default;
        environment = default;
        if (!text.StartsWith(PublicIdPrefix, StringComparison.Ordinal)
            || !KeyEnvironments.TryReadSegment(text[PublicIdPrefix.Length..], out environment, out var consumed))
        {
            return false;
        }

        var candidate = text[(PublicIdPrefix.Length + consumed)..];
        if (!IsValidKeyId(candidate))
        {
            environment = default;
            return false;
        }

        keyId = candidate;
        return true;
    }

    /// <summary>
    /// The display-only prefix for <c>status.keyPrefix</c>, e.g. <c>bastio_sk_live_2iqb…</c>: enough to
    /// recognise a key, nothing secret (the key id is public).
    /// </summary>
    public static string DisplayPrefix(KeyEnvironment environment, string keyId)
    {
        RequireKeyId(keyId);
        return string.Concat(SecretKeyPrefix, environment.ToSegment(), "_", string.Concat(keyId.AsSpan(0, 4), "…"));
    }

    private static void RequireKeyId(string keyId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(keyId))] string? parameter = null)
    {
        if (!IsValidKeyId(keyId))
        {
            throw new ArgumentException($"A key id is {KeyIdLength} base62 characters.", parameter);
        }
    }

    private static void Append(Span<char> destination, ref int position, string value)
    {
        value.CopyTo(destination[position..]);
        position += value.Length;
    }
}
