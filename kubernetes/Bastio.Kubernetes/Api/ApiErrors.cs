using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Bastio.Kubernetes.Api;

/// <summary>
/// Turns the official client's error answers (an <see cref="HttpOperationException"/>, or a watch ERROR
/// event's <see cref="KubernetesException"/>) into the typed exceptions callers catch.
/// </summary>
internal static class ApiErrors
{
    private const int MaxBodyExcerpt = 512;

    /// <summary>The typed exception for <paramref name="error"/>, or null when it is no API server answer.</summary>
    public static KubernetesApiException? Translate(Exception error) => error switch
    {
        KubernetesApiException => null,
        HttpOperationException { Response: { } response } http => FromResponse(response.StatusCode, response.Content ?? "", http),
        KubernetesException { Status: { } status } watch => FromStatus(status, watch),
        _ => null,
    };

    /// <summary>An ERROR event's Status; its <c>code</c> decides the type since the HTTP answer was 200.</summary>
    public static KubernetesApiException FromStatus(V1Status status, Exception? innerException = null) =>
        Create(status.Code is > 0 and var code ? (HttpStatusCode)code : HttpStatusCode.InternalServerError, status, innerException);

    private static KubernetesApiException FromResponse(HttpStatusCode code, string body, Exception innerException)
    {
        var status = TryParseStatus(body) ?? Unstructured((int)code, body);
        status.Code ??= (int)code;
        return Create(code, status, innerException);
    }

    private static KubernetesApiException Create(HttpStatusCode code, V1Status status, Exception? innerException) => (int)code switch
    {
        401 => new UnauthorizedException(status, innerException),
        403 => new ForbiddenException(status, innerException),
        404 => new NotFoundException(status, innerException),
        409 when status.Reason == "AlreadyExists" => new AlreadyExistsException(status, innerException),
        409 => new ConflictException(status, innerException),
        410 => new GoneException(status, innerException),
        422 => new InvalidException(status, innerException),
        429 => new TooManyRequestsException(status, innerException),
        >= 500 => new ServerErrorException(code, status, innerException),
        _ => new KubernetesApiException(code, status, innerException),
    };

    private static V1Status? TryParseStatus(string body)
    {
        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(body);
            return status is { Kind: "Status" } ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Proxies and load balancers in front of an API server answer with HTML or plain text; give such
    // answers the same reasons client-go does, keeping the body only as a cause for diagnostics.
    private static V1Status Unstructured(int code, string body)
    {
        var (reason, message) = code switch
        {
            400 => ("BadRequest", "the server rejected our request for an unknown reason"),
            401 => ("Unauthorized", "the server has asked for the client to provide credentials"),
            403 => ("Forbidden", "the server does not allow access to the requested resource"),
            404 => ("NotFound", "the server could not find the requested resource"),
            405 => ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
            409 => ("Conflict", "the server reported a conflict"),
            410 => ("Expired", "the requested resource version is no longer available"),
            415 => ("UnsupportedMediaType", "the server does not support the request's content type"),
            422 => ("Invalid", "the server rejected our request due to an error in our request"),
            429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
            >= 500 => ("InternalError", "an error on the server has prevented the request from succeeding"),
            _ => ("Unknown", $"the server answered with unexpected status {code}"),
        };

        var excerpt = body.Length > MaxBodyExcerpt ? body[..MaxBodyExcerpt] + "…" : body;
        return new V1Status
        {
            Kind = "Status",
            ApiVersion = "v1",
            Status = "Failure",
            Code = code,
            Reason = reason,
            Message = message,
            Details = excerpt.Length == 0 ? null : new V1StatusDetails { Causes = [new V1StatusCause { Reason = "UnexpectedServerResponse", Message = excerpt }] },
        };
    }
}
