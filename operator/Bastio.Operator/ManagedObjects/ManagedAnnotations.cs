using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Operator.ManagedObjects;

/// <summary>
/// Annotations on every Secret and CronJob the operator creates, so Argo CD neither reports them as
/// extraneous drift of an Application nor prunes them: they are generated, never committed to Git.
/// Argo CD's own tracking marks (<c>app.kubernetes.io/instance</c>, <c>argocd.argoproj.io/tracking-id</c>)
/// are never copied from a source object, or Argo CD would claim the object for the source's Application.
/// </summary>
internal static class ManagedAnnotations
{
    public const string CompareOptions = "argocd.argoproj.io/compare-options";

    public const string CompareOptionsValue = "IgnoreExtraneous";

    public const string SyncOptions = "argocd.argoproj.io/sync-options";

    public const string SyncOptionsValue = "Prune=false";

    // Only the two annotations: objects written by older operator versions gain them without their data being rewritten.
    private const string Patch = "{\"metadata\":{\"annotations\":{\"" + CompareOptions + "\":\"" + CompareOptionsValue + "\",\"" + SyncOptions + "\":\"" + SyncOptionsValue + "\"}}}";

    /// <summary><paramref name="existing"/> (others' annotations are kept) plus ours.</summary>
    public static Dictionary<string, string> With(IDictionary<string, string>? existing)
    {
        var annotations = existing is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(existing, StringComparer.Ordinal);
        annotations[CompareOptions] = CompareOptionsValue;
        annotations[SyncOptions] = SyncOptionsValue;
        return annotations;
    }

    public static bool Present(V1ObjectMeta metadata) =>
        metadata.Annotations?.GetValueOrDefault(CompareOptions) == CompareOptionsValue
        && metadata.Annotations.GetValueOrDefault(SyncOptions) == SyncOptionsValue;

    /// <summary>Adds the annotations to an existing object that lacks them with a metadata-only merge patch; returns the object as stored.</summary>
    public static async Task<T> EnsureAsync<T>(IResourceClient<T> client, T managed, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (Present(managed.Metadata))
        {
            return managed;
        }

        return await client.PatchAsync(managed.Metadata.NamespaceProperty, managed.Metadata.Name!, PatchType.Merge, Patch, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
