namespace Bastio.Gateway.Limits;

/// <summary>What a decision does when the shared store does not answer within the decision budget (<c>--store-failure</c>).</summary>
public enum StoreFailureMode
{
    /// <summary>Refuse with 503 <c>rate_limit_store_unavailable</c>: no request passes uncounted.</summary>
    Deny,

    /// <summary>Decide with this replica's own counters until the store answers again.</summary>
    Local,
}
