using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bastio.Operator.Objects;

/// <summary>
/// Deep copies of API objects and their parts. Informer caches share their objects, so anything about to
/// be changed is copied first. The copy is a round trip through the object's JSON contract: it copies
/// exactly what the API server would see, and a field added to a model is copied without anyone remembering to.
/// </summary>
internal static class ObjectCopy
{
    [return: NotNullIfNotNull(nameof(value))]
    public static T? Of<T>(T? value, JsonTypeInfo<T> typeInfo)
        where T : class =>
        value is null ? null : JsonSerializer.SerializeToElement(value, typeInfo).Deserialize(typeInfo)!;
}
