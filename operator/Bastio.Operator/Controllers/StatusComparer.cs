using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bastio.Crds;

namespace Bastio.Operator.Controllers;

/// <summary>Decides whether a computed status differs from the stored one, so a no-op reconcile writes nothing.</summary>
internal static class StatusComparer
{
    public static bool Same(ApiKeyStatus? stored, ApiKeyStatus computed) => Same(stored, computed, BastioJsonContext.Default.ApiKeyStatus);

    public static bool Same(ProviderKeyStatus? stored, ProviderKeyStatus computed) => Same(stored, computed, BastioJsonContext.Default.ProviderKeyStatus);

    public static bool Same(ProxyStatus? stored, ProxyStatus computed) => Same(stored, computed, BastioJsonContext.Default.ProxyStatus);

    // Serialized forms compare every field, including nested lists, without a hand-written twin per type.
    private static bool Same<T>(T? stored, T computed, JsonTypeInfo<T> typeInfo)
        where T : class =>
        stored is not null && JsonSerializer.Serialize(stored, typeInfo) == JsonSerializer.Serialize(computed, typeInfo);
}
