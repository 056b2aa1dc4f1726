using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Bastio.Core.Encryption;

/// <summary>
/// The versioned key-encryption keys of Secret <c>bastio-encryption-key</c>, one of them active, and
/// AES-256-GCM envelope encryption under them. Immutable: adding a version returns a new ring.
/// </summary>
public sealed class EncryptionKeyRing
{
    public const int KeySize = 32;

    private readonly FrozenDictionary<string, byte[]> _keys;

    private EncryptionKeyRing(FrozenDictionary<string, byte[]> keys, string activeVersion)
    {
        _keys = keys;
        ActiveVersion = activeVersion;
    }

    /// <summary>The version new ciphertexts are written under, e.g. <c>k2</c>.</summary>
    public string ActiveVersion { get; }

    /// <summary>Every version the ring can decrypt, in numeric order.</summary>
    public IReadOnlyList<string> Versions => [.. _keys.Keys.OrderBy(Number)];

    /// <summary>A ring with one fresh random key <c>k1</c>, for a cluster without an encryption-key Secret.</summary>
    public static EncryptionKeyRing CreateNew()
    {
        var version = KeyVersionName.Format(1);
        return new EncryptionKeyRing(new Dictionary<string, byte[]> { [version] = RandomNumberGenerator.GetBytes(KeySize) }.ToFrozenDictionary(), version);
    }

    /// <summary>
    /// Reads the Secret's data: <c>active</c> holds a version name, every <c>k&lt;n&gt;</c> holds 32 bytes.
    /// </summary>
    /// <exception cref="InvalidKeyRingException">The data is not a valid ring; the message names the offending entry.</exception>
    public static EncryptionKeyRing FromSecretData(IReadOnlyDictionary<string, byte[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.TryGetValue(WellKnown.EncryptionKeySecret.ActiveKey, out var activeBytes))
        {
            throw new InvalidKeyRingException($"The encryption key Secret has no '{WellKnown.EncryptionKeySecret.ActiveKey}' entry.");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, value) in data)
        {
            if (name == WellKnown.EncryptionKeySecret.ActiveKey)
            {
                continue;
            }

            if (!KeyVersionName.IsValid(name))
            {
                throw new InvalidKeyRingException($"The encryption key Secret has an unexpected entry '{name}'; entries are '{WellKnown.EncryptionKeySecret.ActiveKey}' and versions k1, k2, ...");
            }

            if (value is not { Length: KeySize })
            {
                throw new InvalidKeyRingException($"Encryption key version '{name}' is {value?.Length ?? 0} bytes; it must be {KeySize}.");
            }

            keys[name] = (byte[])value.Clone();
        }

        var active = Encoding.UTF8.GetString(activeBytes ?? []).Trim();
        if (!keys.ContainsKey(active))
        {
            // Only a well-formed version name is echoed: the entry could be anything, even key bytes pasted by mistake.
            var shown = KeyVersionName.IsValid(active) ? $"'{active}'" : "a value that is not a version name";
            throw new InvalidKeyRingException($"The encryption key Secret's '{WellKnown.EncryptionKeySecret.ActiveKey}' entry names {shown}, which is not one of its versions.");
        }

        return new EncryptionKeyRing(keys.ToFrozenDictionary(StringComparer.Ordinal), active);
    }

    /// <summary>A copy of this ring with a new random key as the active version (the highest number plus one).</summary>
    public EncryptionKeyRing WithNewActiveVersion()
    {
        var version = KeyVersionName.Format(_keys.Keys.Max(Number) + 1);
        var keys = new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal) { [version] = RandomNumberGenerator.GetBytes(KeySize) };
        return new EncryptionKeyRing(keys.ToFrozenDictionary(StringComparer.Ordinal), version);
    }

    /// <summary>The Secret data for this ring (fresh arrays, safe to hand to a serializer).</summary>
    public Dictionary<string, byte[]> ToSecretData()
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WellKnown.EncryptionKeySecret.ActiveKey] = Encoding.UTF8.GetBytes(ActiveVersion),
        };
        foreach (var (name, key) in _keys)
        {
            data[name] = (byte[])key.Clone();
        }

        return data;
    }

    /// <summary>
    /// A key for <paramref name="purpose"/> derived from the active version with HKDF-SHA256: one-way, so
    /// whatever uses it learns nothing about the KEK, and distinct purposes get unrelated keys. It changes
    /// when the active version does. The caller zeroes it after use.
    /// </summary>
    public byte[] DeriveKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _keys[ActiveVersion], KeySize, salt: [], info: Encoding.UTF8.GetBytes(purpose));
    }

    /// <summary>Encrypts under the active version with a fresh random nonce.</summary>
    public string Encrypt(ReadOnlySpan<byte> plaintext, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var payload = new byte[Envelope.NonceSize + plaintext.Length + Envelope.TagSize];
        var nonce = payload.AsSpan(0, Envelope.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_keys[ActiveVersion], Envelope.TagSize))
        {
            aes.Encrypt(nonce, plaintext, payload.AsSpan(Envelope.NonceSize, plaintext.Length), payload.AsSpan(Envelope.NonceSize + plaintext.Length), AssociatedData(binding));
        }

        return Envelope.Write(ActiveVersion, payload);
    }

    /// <exception cref="DecryptionFailedException">Malformed envelope, unknown KEK version, tampering, wrong object or wrong key.</exception>
    public byte[] Decrypt(string envelope, CiphertextBinding binding)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(binding);
        if (!Envelope.TryRead(envelope, out var version, out var payload))
        {
            throw new DecryptionFailedException(DecryptionFailure.Malformed, binding, keyVersion: null);
        }

        if (!_keys.TryGetValue(version, out var key))
        {
            throw new DecryptionFailedException(DecryptionFailure.UnknownKeyVersion, binding, version);
        }

        var ciphertextLength = payload.Length - Envelope.NonceSize - Envelope.TagSize;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(key, Envelope.TagSize);
            aes.Decrypt(
                payload.AsSpan(0, Envelope.NonceSize),
                payload.AsSpan(Envelope.NonceSize, ciphertextLength),
                payload.AsSpan(Envelope.NonceSize + ciphertextLength),
                plaintext,
                AssociatedData(binding));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new DecryptionFailedException(DecryptionFailure.AuthenticationFailed, binding, version);
        }
    }

    /// <summary>Whether <paramref name="envelope"/> is already under the active version (false for malformed values).</summary>
    public bool IsOnActiveVersion(string envelope) =>
        Envelope.TryReadKeyVersion(envelope, out var version) && version == ActiveVersion;

    /// <summary>The envelope under the active version: the same string when it already is, else decrypted and encrypted again.</summary>
    /// <exception cref="DecryptionFailedException">The envelope does not decrypt.</exception>
    public string ReEncrypt(string envelope, CiphertextBinding binding)
    {
        if (IsOnActiveVersion(envelope))
        {
            // Still authenticate, so a rotation sweep reports a bad entry instead of silently keeping it.
            CryptographicOperations.ZeroMemory(Decrypt(envelope, binding));
            return envelope;
        }

        var plaintext = Decrypt(envelope, binding);
        try
        {
            return Encrypt(plaintext, binding);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The KEK version an envelope names, without decrypting it.</summary>
    public static bool TryGetKeyVersion(string envelope, [NotNullWhen(true)] out string? keyVersion) => Envelope.TryReadKeyVersion(envelope, out keyVersion);

    private static byte[] AssociatedData(CiphertextBinding binding) => Encoding.UTF8.GetBytes(binding.ToString());

    private static int Number(string version) => KeyVersionName.TryGetNumber(version, out var number) ? number : 0;
}
