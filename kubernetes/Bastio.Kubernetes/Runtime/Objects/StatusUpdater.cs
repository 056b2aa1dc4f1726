using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bastio.Kubernetes.Runtime.Objects;

/// <summary>Whether a desired status differs from the current one: a no-op reconcile writes nothing.</summary>
public static class StatusUpdater
{
    /// <summary>True when <paramref name="after"/> serialises exactly like <paramref name="before"/>.</summary>
    public static bool IsNoOp<T>(T before, T after, JsonTypeInfo<T> typeInfo) =>
        IsNoOp(JsonSerializer.SerializeToElement(before, typeInfo), after, typeInfo);

    private static bool IsNoOp<T>(JsonElement before, T after, JsonTypeInfo<T> typeInfo) =>
        JsonElement.DeepEquals(before, JsonSerializer.SerializeToElement(after, typeInfo));
}
