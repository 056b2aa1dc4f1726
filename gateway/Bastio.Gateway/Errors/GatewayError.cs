namespace Bastio.Gateway.Errors;

/// <summary>
/// One answer the gateway gives itself, in the OpenAI error shape. <see cref="Code"/> doubles as the
/// <c>reason</c> label of <c>bastio_gateway_rejections_total</c> and of the access log.
/// </summary>
internal sealed record GatewayError(int Status, string Type, string Code, string Message)
{
    /// <summary>401 and 403 tell SDKs not to retry: the same credential will be refused again.</summary>
    public bool NoRetry => Status is 401 or 403;
}

/// <summary>The error codes of docs/reference/gateway.md#error-codes: the checks table plus the gateway's own request-shape errors.</summary>
internal static class GatewayErrors
{
    public static readonly GatewayError GatewayNotReady = new(503, "service_unavailable", "gateway_not_ready",
        "The gateway has no current configuration yet; retry shortly.");

    public static readonly GatewayError MissingApiKey = new(401, "authentication_error", "missing_api_key",
        "No API key provided. Send it as 'Authorization: Bearer <key>', 'X-Bastio-API-Key', 'x-api-key', or the pair 'X-Api-Key' + 'X-Api-Secret'.");

    public static readonly GatewayError MissingKeyPair = new(401, "authentication_error", "missing_api_key",
        "Incomplete credential: 'X-Api-Key' and 'X-Api-Secret' must be sent together.");

    public static readonly GatewayError InvalidApiKey = new(401, "authentication_error", "invalid_api_key",
        "Incorrect API key provided.");

    public static readonly GatewayError RevokedApiKey = new(401, "authentication_error", "revoked_api_key",
        "This API key has been revoked.");

    public static readonly GatewayError DisabledApiKey = new(401, "authentication_error", "disabled_api_key",
        "This API key is disabled.");

    public static readonly GatewayError ExpiredApiKey = new(401, "authentication_error", "expired_api_key",
        "This API key has expired.");

    public static readonly GatewayError IpNotAllowed = new(403, "permission_error", "ip_not_allowed",
        "Requests from this IP address are not allowed for this API key.");

    public static readonly GatewayError ModelNotAllowed = new(403, "permission_error", "model_not_allowed",
        "The requested model is not allowed for this proxy.");

    public static readonly GatewayError RateLimitExceeded = new(429, "rate_limit_error", "rate_limit_exceeded",
        "Rate limit exceeded for this API key; retry after the time in the Retry-After header.");

    public static readonly GatewayError ProxyNotReady = new(503, "service_unavailable", "proxy_not_ready",
        "This proxy has no usable provider key.");

    public static readonly GatewayError UpstreamAuthFailed = new(502, "api_error", "upstream_auth_failed",
        "The provider refused the gateway's provider credential.");

    public static readonly GatewayError UpstreamUnavailable = new(502, "api_error", "upstream_unavailable",
        "The provider could not be reached.");

    public static readonly GatewayError UpstreamNotAllowed = new(502, "api_error", "upstream_not_allowed",
        "The proxy's upstream resolves only to addresses the gateway may not connect to (loopback, private, link-local...); an administrator can allow them with --upstream-allow-cidrs.");

    public static readonly GatewayError LoopDetected = new(508, "api_error", "loop_detected",
        "The proxy's upstream leads back to this gateway; the request was not forwarded again.");

    public static readonly GatewayError UpstreamTimeout = new(504, "api_error", "upstream_timeout",
        "The provider did not answer in time.");

    public static readonly GatewayError UnknownRoute = new(404, "invalid_request_error", "unknown_url",
        "Unknown route: the gateway serves the provider API under /v1.");

    public static readonly GatewayError InvalidJsonBody = new(400, "invalid_request_error", "invalid_json",
        "The request body is not a UTF-8 JSON object (or a multipart/form-data upload).");

    public static readonly GatewayError BodyTooLarge = new(413, "invalid_request_error", "request_too_large",
        "The request body is larger than 1 MiB, the most this proxy reads to check the model.");

    public static readonly GatewayError MissingModel = new(400, "invalid_request_error", "missing_model",
        "This proxy only allows listed models; the request body must name one in 'model'.");

    public static readonly GatewayError AmbiguousModel = new(400, "invalid_request_error", "ambiguous_model",
        "The request body names 'model' more than once (names compared ignoring case); name it once.");

    public static readonly GatewayError InvalidModel = new(400, "invalid_request_error", "invalid_model",
        "'model' must be a string of valid UTF-8 text.");

    public static readonly GatewayError InvalidMultipartBody = new(400, "invalid_request_error", "invalid_multipart",
        "The multipart/form-data request body could not be read: every part needs a form-data Content-Disposition with a name, and the boundary must close the body.");

    public static readonly GatewayError InvalidPath = new(400, "invalid_request_error", "invalid_path",
        "The request path contains a '.' or '..' segment (in some spelling); send the path without them.");

    /// <summary>403 for a route the key's permissions do not cover; the message names the permission.</summary>
    public static GatewayError InsufficientPermissions(string permission) => new(403, "permission_error", "insufficient_permissions",
        $"This API key lacks the '{permission}' permission required for this route.");
}
