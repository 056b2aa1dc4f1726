namespace Bastio.Operator.Logging;

/// <summary>
/// The event id of every message the operator logs, in one table so no two messages share an id and an
/// id found in a log leads to one place. Ids start at 1000, clear of the Kubernetes runtime's own (below
/// 100), and are grouped by hundreds per area. An id is never reused for another message.
/// </summary>
internal static class OperatorLogEvents
{
    // ApiKeys (Controllers/ApiKeys)
    public const int ApiKeyIssuing = 1101;
    public const int ApiKeyVerifiersUndecryptable = 1102;

    // Encryption key (Controllers/Encryption)
    public const int EncryptionKeyCreated = 1301;
    public const int EncryptionKeyReEncrypted = 1302;
    public const int EncryptionKeyNotReEncrypted = 1303;
    public const int EncryptionKeyLost = 1304;
    public const int EncryptionKeyRestored = 1305;
    public const int EncryptionKeyStartedOver = 1306;
    public const int EncryptionKeyWaiting = 1307;
    public const int EncryptionKeyInvalid = 1308;

    // Orphan sweep (Controllers/Sweep)
    public const int OrphanDeleted = 1401;

    // Key delivery (Delivery)
    public const int DeliveryNotAcknowledged = 1501;
}
