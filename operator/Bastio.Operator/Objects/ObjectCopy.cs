using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;

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

    /// <summary>
    /// A copy of a built-in kind's object, through the official client's serializer: its generated context
    /// cannot write <c>managedFields[].fieldsV1</c>, which is an object of any shape.
    /// </summary>
    [return: NotNullIfNotNull(nameof(value))]
    public static T? Of<T>(T? value)
        where T : class =>
        value is null ? null : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
