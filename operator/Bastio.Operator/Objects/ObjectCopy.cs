using System.Diagnostics.CodeAnalysis;
using k8s;

namespace Bastio.Operator.Objects;

/// <summary>
/// Deep copies of API objects and their parts. Informer caches share their objects, so anything about to
/// be changed is copied first. The copy is a round trip through the official client's serializer (which
/// also resolves the bastio.io kinds through their source-generated context): it copies exactly what the
/// API server would see, including <c>managedFields[].fieldsV1</c>, and a field added to a model is copied
/// without anyone remembering to.
/// </summary>
internal static class ObjectCopy
{
    [return: NotNullIfNotNull(nameof(value))]
    public static T? Of<T>(T? value)
        where T : class =>
        value is null ? null : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
