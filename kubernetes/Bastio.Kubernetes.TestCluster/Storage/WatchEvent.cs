using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Storage;

/// <summary>
/// A committed change. <see cref="Object"/> is the frozen stored state (the final state for
/// DELETED); <see cref="Previous"/> lets selector watches turn MODIFIED into ADDED or DELETED.
/// </summary>
internal sealed record WatchEvent(long Version, string StorageKey, string Type, JsonObject Object, JsonObject? Previous);
