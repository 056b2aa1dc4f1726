using System.Text.Json;
using Bastio.Core;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;

namespace Bastio.Operator.Controllers;

/// <summary>
/// Adds and removes <see cref="WellKnown.Finalizer"/> with a merge patch that carries the object's
/// resourceVersion, so a concurrent change to the finalizer list is a conflict instead of a lost update.
/// </summary>
internal static class Finalizers
{
    public static async Task<T> EnsureAsync<T>(IResourceClient<T> client, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        var finalizers = obj.Metadata.Finalizers ?? [];
        if (finalizers.Contains(WellKnown.Finalizer))
        {
            return obj;
        }

        return await PatchAsync(client, obj, [.. finalizers, WellKnown.Finalizer], cancellationToken).ConfigureAwait(false);
    }

    public static async Task RemoveAsync<T>(IResourceClient<T> client, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        var finalizers = obj.Metadata.Finalizers ?? [];
        if (!finalizers.Contains(WellKnown.Finalizer))
        {
            return;
        }

        try
        {
            await PatchAsync(client, obj, [.. finalizers.Where(f => f != WellKnown.Finalizer)], cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    private static Task<T> PatchAsync<T>(IResourceClient<T> client, T obj, string[] finalizers, CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteString("resourceVersion", obj.Metadata.ResourceVersion);
            json.WriteStartArray("finalizers");
            foreach (var finalizer in finalizers)
            {
                json.WriteStringValue(finalizer);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var patch = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return client.PatchAsync(obj.Metadata.Namespace, obj.Metadata.Name!, PatchType.Merge, patch, cancellationToken: cancellationToken);
    }
}
