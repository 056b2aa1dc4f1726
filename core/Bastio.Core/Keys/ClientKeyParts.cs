namespace Bastio.Core.Keys;

/// <summary>
/// A parsed client key: views into the caller's text, so parsing allocates nothing. Look a key up
/// without allocating through <c>Dictionary&lt;string, T&gt;.GetAlternateLookup&lt;ReadOnlySpan&lt;char&gt;&gt;()</c>
/// with <see cref="KeyId"/>.
/// </summary>
public readonly ref struct ClientKeyParts
{
    internal ClientKeyParts(KeyEnvironment environment, ReadOnlySpan<char> keyId, ReadOnlySpan<char> secret)
    {
        Environment = environment;
        KeyId = keyId;
        Secret = secret;
    }

    public KeyEnvironment Environment { get; }

    /// <summary>The public, stable 12-character key id; safe to log.</summary>
    public ReadOnlySpan<char> KeyId { get; }

    /// <summary>The 32 secret characters. Never log, store or compare this other than through a verifier.</summary>
    public ReadOnlySpan<char> Secret { get; }
}
