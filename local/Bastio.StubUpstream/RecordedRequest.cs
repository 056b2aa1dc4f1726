namespace Bastio.StubUpstream;

/// <summary>A request as the stub received it (path without the optional <c>/v1</c> base).</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>The TLS server name (SNI) the client asked for; null over plain HTTP or when none was sent.</summary>
    public string? Sni { get; init; }

    /// <summary>The <c>Host</c> header.</summary>
    public string? Host => Header("Host");

    /// <summary>Header value by case-insensitive name, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
