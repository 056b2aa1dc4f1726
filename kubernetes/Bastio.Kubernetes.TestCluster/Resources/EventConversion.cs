using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Resources;

/// <summary>
/// Upstream's conversion between events.k8s.io/v1 and core v1 Events: the same object under
/// different field names (<c>regarding</c> is <c>involvedObject</c>, <c>note</c> is <c>message</c>...).
/// </summary>
internal static class EventConversion
{
    private static readonly (string V1, string Core)[] Renamed =
    [
        ("regarding", "involvedObject"),
        ("note", "message"),
        ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ];

    public static JsonObject ToCore(JsonObject v1) => Rename(v1, "v1", static pair => (pair.V1, pair.Core));

    public static JsonObject FromCore(JsonObject core) => Rename(core, "events.k8s.io/v1", static pair => (pair.Core, pair.V1));

    private static JsonObject Rename(JsonObject source, string apiVersion, Func<(string V1, string Core), (string From, string To)> direction)
    {
        var result = source.DeepClone().AsObject();
        result["apiVersion"] = apiVersion;
        foreach (var pair in Renamed)
        {
            var (from, to) = direction(pair);

            // A field under the other version's name is unknown in this version: the decoder drops it.
            result.Remove(to);
            if (result.TryGetPropertyValue(from, out var value))
            {
                result.Remove(from);
                result[to] = value;
            }
        }

        return result;
    }
}
