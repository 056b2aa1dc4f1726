using System.Buffers;
using System.Text;
using System.Text.Json;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Runtime.Objects;

/// <summary>
/// Adds and removes finalizers with a merge patch that carries the object's resourceVersion, so a patch
/// computed from a stale copy is refused (409) rather than clobbering another writer's finalizer; on 409
/// the object is re-read and the change re-applied.
/// </summary>
public static class Finalizers
{
    private const int MaxAttempts = 5;

    public static bool Has(IKubernetesObject<V1ObjectMeta> obj, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.Finalizers?.Contains(finalizer, StringComparer.Ordinal) == true;
    }

    /// <summary>True once deletion was requested: the object only waits for its finalizers.</summary>
    public static bool IsTerminating(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.DeletionTimestamp is not null;
    }

    /// <summary>
    /// Adds <paramref name="finalizer"/> unless present. Returns the current object, or null if it no longer
    /// exists. A terminating object is returned unchanged: the API server accepts no new finalizers then.
    /// </summary>
    public static Task<T?> EnsureAsync<T>(IResourceClient<T> client, T obj, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => UpdateAsync(client, obj, finalizer, add: true, cancellationToken);

    /// <summary>
    /// The finalizer preamble of a reconcile: a terminating object is handed to <paramref name="finalize"/>
    /// and null returned (nothing more to reconcile); otherwise the finalizer is ensured and the object as
    /// written is returned, or null if it vanished meanwhile.
    /// </summary>
    public static async Task<T?> GuardAsync<T>(IResourceClient<T> client, T obj, string finalizer, Func<T, CancellationToken, Task> finalize, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(finalize);
        if (obj.Metadata.DeletionTimestamp is not null)
        {
            await finalize(obj, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return await EnsureAsync(client, obj, finalizer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes <paramref name="finalizer"/> if present. Returns the current object, or null once it is gone
    /// (removing the last finalizer of a terminating object lets the server delete it).
    /// </summary>
    public static Task<T?> RemoveAsync<T>(IResourceClient<T> client, T obj, string finalizer, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => UpdateAsync(client, obj, finalizer, add: false, cancellationToken);

    private static async Task<T?> UpdateAsync<T>(IResourceClient<T> client, T obj, string finalizer, bool add, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var current = obj;
        for (var attempt = 1; ; attempt++)
        {
            if (Has(current, finalizer) == add || (add && IsTerminating(current)))
            {
                return current;
            }

            var finalizers = (current.Metadata.Finalizers ?? []).Where(f => f != finalizer).ToList();
            if (add)
            {
                finalizers.Add(finalizer);
            }

            var patch = Patch(current.Metadata.ResourceVersion, finalizers);
            try
            {
                var updated = await client.PatchAsync(current.Metadata.NamespaceProperty, current.Metadata.Name!, PatchType.Merge, patch, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);

                // Without finalizers a terminating object is deleted by that very patch; the answer is its last state.
                return IsTerminating(updated) && updated.Metadata.Finalizers is not { Count: > 0 } ? null : updated;
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

    private static string Patch(string? resourceVersion, List<string> finalizers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            if (resourceVersion is not null)
            {
                writer.WriteString("resourceVersion", resourceVersion);
            }

            if (finalizers.Count == 0)
            {
                // RFC 7386: null deletes the field.
                writer.WriteNull("finalizers");
            }
            else
            {
                writer.WriteStartArray("finalizers");
                finalizers.ForEach(writer.WriteStringValue);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
