using System.Security.Cryptography;

namespace Bastio.Core.Encryption;

public enum DecryptionFailure
{
    /// <summary>The value is not an envelope this version understands.</summary>
    Malformed,

    /// <summary>The envelope names a KEK version the ring does not hold.</summary>
    UnknownKeyVersion,

    /// <summary>Tampered ciphertext, a different bound object, or a different key under the same version name.</summary>
    AuthenticationFailed,
}

/// <summary>
/// The one exception every decryption failure throws. The message names the bound object and the
/// KEK version, never key material or plaintext.
/// </summary>
public sealed class DecryptionFailedException : CryptographicException
{
    public DecryptionFailedException(DecryptionFailure failure, CiphertextBinding binding, string? keyVersion)
        : base(Describe(failure, binding, keyVersion))
    {
        Failure = failure;
        Binding = binding;
        KeyVersion = keyVersion;
    }

    public DecryptionFailure Failure { get; }

    public CiphertextBinding Binding { get; }

    public string? KeyVersion { get; }

    private static string Describe(DecryptionFailure failure, CiphertextBinding binding, string? keyVersion) => failure switch
    {
        DecryptionFailure.Malformed => $"The ciphertext for {binding} is not a v1 envelope.",
        DecryptionFailure.UnknownKeyVersion => $"The ciphertext for {binding} uses encryption key version '{keyVersion}', which the key ring does not hold.",
        _ => $"The ciphertext for {binding} failed authentication under encryption key version '{keyVersion}': it was altered, belongs to another object, or the key changed.",
    };
}

/// <summary>The encryption-key Secret's data is not a valid key ring. The message never contains key bytes.</summary>
public sealed class InvalidKeyRingException(string message) : Exception(message);
