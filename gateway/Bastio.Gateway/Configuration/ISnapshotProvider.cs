namespace Bastio.Gateway.Configuration;

/// <summary>Where the request path reads its configuration from.</summary>
internal interface ISnapshotProvider
{
    /// <summary>Null until the first complete sync; afterwards the last good snapshot, even while the API server is gone.</summary>
    GatewaySnapshot? Current { get; }

    /// <summary>Last moment every watched kind was confirmed current by the API server; null before the first sync.</summary>
    DateTimeOffset? LastConfirmedSync { get; }

    /// <summary>Watches re-established after ending, over all watched kinds (a metric).</summary>
    long WatchRestarts { get; }
}
