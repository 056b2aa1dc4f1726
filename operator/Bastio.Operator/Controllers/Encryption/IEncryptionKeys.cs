using Bastio.Core.Encryption;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>The KEK ring as currently stored in Secret <c>bastio-encryption-key</c>.</summary>
internal interface IEncryptionKeys
{
    /// <summary>The current ring.</summary>
    /// <exception cref="EncryptionKeyUnavailableException">The Secret is missing or invalid; reconcile again later.</exception>
    EncryptionKeyRing Ring { get; }
}

/// <summary>Keys cannot be written before the encryption key exists: a transient failure, retried with backoff.</summary>
internal sealed class EncryptionKeyUnavailableException(string message) : Exception(message);
