namespace Bastio.Gateway.Observability;

/// <summary>
/// Every event id the gateway logs with, in one place so ids stay unique and stable for log queries:
/// one hundred per area, in the order a request meets them after start-up.
/// </summary>
internal static class LogEvents
{
    // Hosting: start-up and shutdown.
    public const int Synced = 100;
    public const int Draining = 101;
    public const int ListenerClosing = 102;
    public const int Stopped = 103;
    public const int StoppedCuttingRequests = 104;

    // Configuration: the snapshot built from the watched objects.
    public const int SnapshotBuilt = 200;
    public const int SnapshotFailed = 201;
    public const int ProxySkipped = 210;
    public const int KeySkipped = 211;
    public const int DuplicateKeyId = 212;
    public const int DecryptionFailed = 213;
    public const int InvalidKeyRing = 214;
    public const int ObjectFailed = 215;
    public const int KeyRingMissing = 216;

    // Pipeline: one request.
    public const int UnhandledError = 300;
    public const int UpstreamAuthFailed = 301;

    // Limits: the rate-limit store, budgets and usage reporting.
    public const int StoreFailed = 400;
    public const int BudgetThresholdCrossed = 401;
    public const int StoreRecovered = 402;
    public const int UsageReportFailed = 410;

    // Acknowledgement: the verifier epoch Lease.
    public const int Acknowledged = 500;
    public const int AcknowledgementWriteFailed = 501;
    public const int AcknowledgementDeleteFailed = 502;
}
