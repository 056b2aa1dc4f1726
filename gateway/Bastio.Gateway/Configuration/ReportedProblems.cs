using k8s;
using k8s.Models;

namespace Bastio.Gateway.Configuration;

/// <summary>
/// Which problems were already logged for which version of an object. The snapshot is rebuilt on any
/// change anywhere, so without this every rebuild would repeat every warning; a problem is logged again
/// only when its object changes (a new resourceVersion) and is still wrong, or was fixed and is back.
/// Not thread-safe, like the <see cref="SnapshotBuilder"/> that owns it.
/// </summary>
internal sealed class ReportedProblems
{
    private HashSet<string> _previous = new(StringComparer.Ordinal);
    private HashSet<string> _current = new(StringComparer.Ordinal);

    /// <summary>Starts a rebuild: what the last one reported stays known, what it did not is forgotten.</summary>
    public void StartRebuild()
    {
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }

    /// <summary>True when <paramref name="problem"/> has not been reported for this version of <paramref name="source"/>.</summary>
    public bool IsNew(IKubernetesObject<V1ObjectMeta> source, string problem)
    {
        var metadata = source.Metadata;
        var key = $"{metadata.Uid ?? $"{metadata.Namespace}/{metadata.Name}"}@{metadata.ResourceVersion}:{problem}";
        return _current.Add(key) && !_previous.Contains(key);
    }
}
