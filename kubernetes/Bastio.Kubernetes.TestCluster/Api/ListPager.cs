using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>
/// <c>limit</c>/<c>continue</c> paging over a consistent snapshot: the first page keeps the (frozen)
/// snapshot, and its continue token names it. Only the most recent snapshots are kept; a token for
/// a forgotten one gets 410 Expired, as an etcd compaction would.
/// </summary>
internal sealed class ListPager
{
    private const int MaxSnapshots = 64;
    private readonly object _gate = new();
    private readonly Dictionary<string, (IReadOnlyList<JsonObject> Items, long Version)> _snapshots = [];
    private readonly Queue<string> _order = new();

    public (IReadOnlyList<JsonObject> Page, long Version, string? Continue, long Remaining) Page(
        IReadOnlyList<JsonObject> items, long version, int limit, string? id = null, int offset = 0)
    {
        if (limit <= 0 || offset + limit >= items.Count)
        {
            return (items.Skip(offset).ToList(), version, null, 0);
        }

        lock (_gate)
        {
            if (id is null)
            {
                id = Guid.NewGuid().ToString("N");
                _snapshots[id] = (items, version);
                _order.Enqueue(id);
                while (_order.Count > MaxSnapshots)
                {
                    _snapshots.Remove(_order.Dequeue());
                }
            }
        }

        var next = offset + limit;
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{next.ToString(CultureInfo.InvariantCulture)}"));
        return (items.Skip(offset).Take(limit).ToList(), version, token, items.Count - next);
    }

    public (IReadOnlyList<JsonObject> Items, long Version, string Id, int Offset) Resume(string token)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("continue key is not valid: illegal base64 data");
        }

        var parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw ApiException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }

        lock (_gate)
        {
            if (_snapshots.TryGetValue(parts[0], out var snapshot))
            {
                return (snapshot.Items, snapshot.Version, parts[0], offset);
            }
        }

        throw ApiException.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
    }
}
