using System.Net;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>An error answer from the API server, carrying its Status.</summary>
public class KubernetesApiException(HttpStatusCode statusCode, V1Status status, Exception? innerException = null)
    : Exception(status.Message ?? $"API server answered {(int)statusCode}", innerException)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public V1Status Status { get; } = status;

    public string? Reason => Status.Reason;
}

public sealed class NotFoundException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.NotFound, status, innerException);

public sealed class AlreadyExistsException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.Conflict, status, innerException);

/// <summary>409 with reason Conflict: a stale resourceVersion or failed precondition. Re-read and retry.</summary>
public sealed class ConflictException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.Conflict, status, innerException);

/// <summary>410: the requested resourceVersion is older than the server's history. Relist.</summary>
public sealed class GoneException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.Gone, status, innerException);

/// <summary>422: the object failed validation; <see cref="Causes"/> name the fields.</summary>
public sealed class InvalidException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.UnprocessableEntity, status, innerException)
{
    public IReadOnlyList<V1StatusCause> Causes => Status.Details?.Causes is { } causes ? [.. causes] : [];
}

public sealed class ForbiddenException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.Forbidden, status, innerException);

public sealed class UnauthorizedException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.Unauthorized, status, innerException);

/// <summary>429 after the client's own retries: the server still asks to slow down.</summary>
public sealed class TooManyRequestsException(V1Status status, Exception? innerException = null)
    : KubernetesApiException(HttpStatusCode.TooManyRequests, status, innerException);

/// <summary>5xx answers.</summary>
public sealed class ServerErrorException(HttpStatusCode statusCode, V1Status status, Exception? innerException = null)
    : KubernetesApiException(statusCode, status, innerException);
