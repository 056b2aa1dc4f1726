using Bastio.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Bastio.Gateway.Pipeline;

/// <summary>
/// The client credential of a request. Never logged or formatted: <see cref="ToString"/> is overridden.
/// </summary>
internal readonly struct Credential
{
    private Credential(ReadOnlyMemory<char> key, string? publicId, GatewayError? error)
    {
        Key = key;
        PublicId = publicId;
        Error = error;
    }

    /// <summary>
    /// The client key (<c>bastio_sk_...</c>), or whatever the client sent in its place: a view into the
    /// header value, so reading a credential allocates nothing.
    /// </summary>
    public ReadOnlyMemory<char> Key { get; }

    /// <summary>The <c>bastio_pk_...</c> id of the <c>X-Api-Key</c> + <c>X-Api-Secret</c> form, which must name the same key.</summary>
    public string? PublicId { get; }

    /// <summary>Set when no usable credential was sent (check 2).</summary>
    public GatewayError? Error { get; }

    public override string ToString() => "[credential]";

    /// <summary>Client credential headers; all of them are removed before forwarding.</summary>
    public static readonly string[] HeaderNames = ["Authorization", "X-Bastio-API-Key", "x-api-key", "X-Api-Secret"];

    /// <summary>
    /// The first credential form present, in the order of docs/reference/gateway.md#credentials. <c>x-api-key</c> and <c>X-Api-Key</c> are
    /// one header (HTTP names are case-insensitive): a <c>bastio_pk_</c> value there starts the pair form.
    /// </summary>
    public static Credential Read(IHeaderDictionary headers)
    {
        if (headers.TryGetValue("Authorization", out var authorization) && TryBearer(authorization, out var bearer))
        {
            return Found(bearer);
        }

        if (headers.TryGetValue("X-Bastio-API-Key", out var bastio) && Single(bastio) is { } bastioKey)
        {
            return Found(bastioKey.AsMemory());
        }

        var apiKey = headers.TryGetValue("x-api-key", out var apiKeyValues) ? Single(apiKeyValues) : null;
        var apiSecret = headers.TryGetValue("X-Api-Secret", out var secretValues) ? Single(secretValues) : null;
        if (apiKey is not null && !apiKey.StartsWith(Bastio.Core.Keys.ClientKey.PublicIdPrefix, StringComparison.Ordinal))
        {
            return Found(apiKey.AsMemory());
        }

        if (apiKey is not null || apiSecret is not null)
        {
            return apiKey is not null && apiSecret is not null
                ? new Credential(apiSecret.AsMemory(), apiKey, null)
                : new Credential(default, null, GatewayErrors.MissingKeyPair);
        }

        return new Credential(default, null, GatewayErrors.MissingApiKey);
    }

    private static Credential Found(ReadOnlyMemory<char> key) => new(key, null, null);

    /// <summary>
    /// A repeated header is kept as a (malformed) credential rather than treated as absent, so it
    /// answers <c>invalid_api_key</c> instead of being skipped in favour of a later form.
    /// </summary>
    private static string? Single(StringValues values) =>
        values.Count switch
        {
            0 => null,
            1 => string.IsNullOrWhiteSpace(values[0]) ? null : values[0],
            _ => "",
        };

    private static bool TryBearer(StringValues values, out ReadOnlyMemory<char> key)
    {
        key = default;
        if (Single(values) is not { } value)
        {
            return false;
        }

        // Another scheme (Basic...) or a bare token is a credential we cannot accept, not an absent one.
        key = value.Length > 7 && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value.AsMemory(7).Trim() : default;
        return true;
    }
}
