using System.Net;
using Bastio.Kubernetes.Models;

namespace Bastio.Kubernetes.Client;

/// <summary>An error answer from the API server, carrying its Status.</summary>
public class KubernetesApiException(HttpStatusCode statusCode, Status status)
    : Exception(status.Message ?? $"API server answered {(int)statusCode}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public Status Status { get; } = status;

    public string? Reason => Status.Reason;
}

public sealed class NotFoundException(Status status) : KubernetesApiException(HttpStatusCode.NotFound, status);

public sealed class AlreadyExistsException(Status status) : KubernetesApiException(HttpStatusCode.Conflict, status);

/// <summary>409 with reason Conflict: a stale resourceVersion or failed precondition. Re-read and retry.</summary>
public sealed class ConflictException(Status status) : KubernetesApiException(HttpStatusCode.Conflict, status);

/// <summary>410: the requested resourceVersion is older than the server's history. Relist.</summary>
public sealed class GoneException(Status status) : KubernetesApiException(HttpStatusCode.Gone, status);

/// <summary>422: the object failed validation; <see cref="Causes"/> name the fields.</summary>
public sealed class InvalidException(Status status) : KubernetesApiException(HttpStatusCode.UnprocessableEntity, status)
{
    public IReadOnlyList<StatusCause> Causes => Status.Details?.Causes ?? [];
}

public sealed class ForbiddenException(Status status) : KubernetesApiException(HttpStatusCode.Forbidden, status);

public sealed class UnauthorizedException(Status status) : KubernetesApiException(HttpStatusCode.Unauthorized, status);

/// <summary>429: the server asks to slow down; <see cref="RetryAfter"/> from the header or Status details.</summary>
public sealed class TooManyRequestsException(Status status, TimeSpan? retryAfter)
    : KubernetesApiException(HttpStatusCode.TooManyRequests, status)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>5xx answers.</summary>
public sealed class ServerErrorException(HttpStatusCode statusCode, Status status, TimeSpan? retryAfter)
    : KubernetesApiException(statusCode, status)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
