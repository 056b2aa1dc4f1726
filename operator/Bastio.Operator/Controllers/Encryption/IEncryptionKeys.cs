using Bastio.Core.Encryption;

namespace Bastio.Operator.Controllers.Encryption;

/// <summary>The KEK ring as currently stored in Secret <c>bastio-encryption-key</c>.</summary>
internal interface IEncryptionKeys
{
    /// <summary>The current ring.</summary>
    /// <exception cref="EncryptionKeyUnavailableException">The Secret is missing or invalid; reconcile again later.</exception>
    EncryptionKeyRing Ring { get; }

    /// <summary>True while the Secret carries <see cref="EncryptionKeyReset.Annotation"/>: keys under a lost key may be re-issued.</summary>
    bool ResetRequested { get; }
}

/// <summary>Keys cannot be written before the encryption key exists or while it is invalid; reconciled again when the Secret changes.</summary>
internal sealed class EncryptionKeyUnavailableException(string message, bool missing) : Exception(message)
{
    /// <summary>True while the Secret does not exist yet (start-up); false when it exists but cannot be parsed.</summary>
    public bool Missing { get; } = missing;
}
