using System.Net;
using System.Text.Json;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Client;

/// <summary>Turns error answers (HTTP or watch ERROR events) into the typed exceptions callers catch.</summary>
internal static class ApiErrors
{
    private const int MaxBodyExcerpt = 512;

    public static async Task<KubernetesApiException> FromResponseAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var code = (int)response.StatusCode;
        var status = TryParseStatus(body) ?? Unstructured(code, body);
        if (status.Code == 0)
        {
            status.Code = code;
        }

        return Create(response.StatusCode, status, RetryAfter(response, status, now));
    }

    /// <summary>An ERROR event's Status; its <c>code</c> decides the type since the HTTP answer was 200.</summary>
    public static KubernetesApiException FromStatus(Status status)
    {
        var code = status.Code == 0 ? HttpStatusCode.InternalServerError : (HttpStatusCode)status.Code;
        var retryAfter = status.Details?.RetryAfterSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return Create(code, status, retryAfter);
    }

    public static KubernetesApiException Create(HttpStatusCode code, Status status, TimeSpan? retryAfter) => (int)code switch
    {
        401 => new UnauthorizedException(status),
        403 => new ForbiddenException(status),
        404 => new NotFoundException(status),
        409 when status.Reason == "AlreadyExists" => new AlreadyExistsException(status),
        409 => new ConflictException(status),
        410 => new GoneException(status),
        422 => new InvalidException(status),
        429 => new TooManyRequestsException(status, retryAfter),
        >= 500 => new ServerErrorException(code, status, retryAfter),
        _ => new KubernetesApiException(code, status),
    };

    /// <summary>The server-requested wait on a 429 or 5xx, or null when it may not be retried as is.</summary>
    public static TimeSpan? RetryAfter(KubernetesApiException error) => error switch
    {
        TooManyRequestsException e => e.RetryAfter ?? TimeSpan.FromSeconds(1),
        ServerErrorException e => e.RetryAfter,
        _ => null,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage response, Status status, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return status.Details?.RetryAfterSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static Status? TryParseStatus(string body)
    {
        try
        {
            var status = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.Status);
            return status is { Kind: "Status" } ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Proxies and load balancers in front of an API server answer with HTML or plain text; give such
    // answers the same reasons client-go does, keeping the body only as a cause for diagnostics.
    private static Status Unstructured(int code, string body)
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
        return new Status
        {
            Outcome = "Failure",
            Code = code,
            Reason = reason,
            Message = message,
            Details = excerpt.Length == 0 ? null : new StatusDetails { Causes = [new StatusCause { Reason = "UnexpectedServerResponse", Message = excerpt }] },
        };
    }
}
