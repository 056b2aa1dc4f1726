namespace Bastio.Gateway.Routing;

/// <summary>Route → permission table of docs/reference/gateway.md#routes-and-permissions. Matches on path segments, never on prefixes of a segment.</summary>
internal static class RouteTable
{
    public const string Prefix = "/v1";

    public static readonly GatewayRoute ChatCompletions = new("/v1/chat/completions", Permissions.Chat);
    public static readonly GatewayRoute Responses = new("/v1/responses", Permissions.Chat);
    public static readonly GatewayRoute Messages = new("/v1/messages", Permissions.Chat);
    public static readonly GatewayRoute Completions = new("/v1/completions", Permissions.Completions);
    public static readonly GatewayRoute Embeddings = new("/v1/embeddings", Permissions.Embeddings);
    public static readonly GatewayRoute Images = new("/v1/images", Permissions.Images);
    public static readonly GatewayRoute Audio = new("/v1/audio", Permissions.Audio);
    public static readonly GatewayRoute Models = new("/v1/models", Permissions.Models);
    public static readonly GatewayRoute Usage = new("/v1/usage", Permissions.Analytics, answeredByGateway: true);

    /// <summary>Every other <c>/v1</c> route: only <c>admin</c> keys may call it.</summary>
    public static readonly GatewayRoute Other = new("other", Permissions.Admin);

    /// <summary>
    /// The route of a request under <c>/v1</c>, or null when the path is not under <c>/v1</c>
    /// (the gateway answers 404 without running any check).
    /// </summary>
    public static GatewayRoute? Match(string method, ReadOnlySpan<char> path)
    {
        if (!TryStripSegment(path, Prefix, out var rest))
        {
            return null;
        }

        if (rest.IsEmpty)
        {
            return Other;
        }

        var isGet = HttpMethodsEqual(method, "GET");
        var isPost = HttpMethodsEqual(method, "POST");
        if (IsFamily(rest, "/chat/completions", isPost))
        {
            return ChatCompletions;
        }

        if (IsFamily(rest, "/responses", isPost))
        {
            return Responses;
        }

        if (IsFamily(rest, "/messages", isPost))
        {
            return Messages;
        }

        if (IsExact(rest, "/completions"))
        {
            return Completions;
        }

        if (IsExact(rest, "/embeddings"))
        {
            return Embeddings;
        }

        if (TryStripSegment(rest, "/images", out _))
        {
            return Images;
        }

        if (TryStripSegment(rest, "/audio", out _))
        {
            return Audio;
        }

        if (isGet && TryStripSegment(rest, "/models", out _))
        {
            return Models;
        }

        if (isGet && IsExact(rest, "/usage"))
        {
            return Usage;
        }

        return Other;
    }

    /// <summary>The exact route with POST, or any sub-route (retrieve, cancel, count tokens...) with any method.</summary>
    private static bool IsFamily(ReadOnlySpan<char> rest, string route, bool isPost) =>
        TryStripSegment(rest, route, out var tail) && (!tail.IsEmpty || isPost);

    private static bool IsExact(ReadOnlySpan<char> rest, string route) =>
        TryStripSegment(rest, route, out var tail) && tail.IsEmpty;

    private static bool TryStripSegment(ReadOnlySpan<char> path, string segment, out ReadOnlySpan<char> rest)
    {
        rest = default;
        if (!path.StartsWith(segment, StringComparison.Ordinal))
        {
            return false;
        }

        rest = path[segment.Length..];
        if (rest is "/")
        {
            rest = default;
        }

        return rest.IsEmpty || rest[0] == '/';
    }

    private static bool HttpMethodsEqual(string method, string expected) =>
        ReferenceEquals(method, expected) || string.Equals(method, expected, StringComparison.OrdinalIgnoreCase);
}
