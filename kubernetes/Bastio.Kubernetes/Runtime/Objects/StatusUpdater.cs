using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Objects;

/// <summary>Writes the status subresource only when it changes, retrying on conflicts.</summary>
public static class StatusUpdater
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of <paramref name="current"/> and writes the copy's status
    /// with PUT <c>/status</c> — unless the copy is unchanged, in which case nothing is written (a no-op
    /// reconcile writes nothing). On 409 the object is re-read and <paramref name="mutate"/> re-applied, so it
    /// must compute the status from the object it is given. Returns the stored object, or null if it is gone.
    /// </summary>
    public static async Task<T?> UpdateAsync<T>(
        IResourceClient<T> client,
        JsonTypeInfo<T> typeInfo,
        T current,
        Action<T> mutate,
        CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(mutate);
        for (var attempt = 1; ; attempt++)
        {
            var before = JsonSerializer.SerializeToElement(current, typeInfo);

            // Mutate a copy: the caller's object may be shared with an informer cache.
            var desired = before.Deserialize(typeInfo)!;
            mutate(desired);
            if (IsNoOp(before, desired, typeInfo))
            {
                return current;
            }

            try
            {
                return await client.ReplaceStatusAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                return null;
            }
            catch (ConflictException) when (attempt < MaxAttempts)
            {
                var fresh = await client.TryGetAsync(current.Metadata.NamespaceProperty, current.Metadata.Name!, cancellationToken).ConfigureAwait(false);
                if (fresh is null)
                {
                    return null;
                }

                current = fresh;
            }
        }
    }

    /// <summary>True when <paramref name="after"/> serialises exactly like <paramref name="before"/>.</summary>
    public static bool IsNoOp<T>(T before, T after, JsonTypeInfo<T> typeInfo) =>
        IsNoOp(JsonSerializer.SerializeToElement(before, typeInfo), after, typeInfo);

    private static bool IsNoOp<T>(JsonElement before, T after, JsonTypeInfo<T> typeInfo) =>
        JsonElement.DeepEquals(before, JsonSerializer.SerializeToElement(after, typeInfo));
}
