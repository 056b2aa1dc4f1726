namespace Bastio.Gateway.Pipeline;

/// <summary>
/// The request path exactly as the client sent it (the raw request target), before Kestrel decoded
/// and normalized it. Dot segments are refused in every spelling, because the upstream, or a server
/// behind it, may resolve one the gateway's route check never saw; and the raw path is what the
/// upstream gets, so an encoded slash (<c>%2F</c>) arrives as sent.
/// </summary>
internal static class RawPath
{
    /// <summary>Enough decoding rounds that a path percent-encoded twice over is still seen for what it is.</summary>
    private const int DecodingRounds = 3;

    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>The path part of a request target: origin form up to <c>?</c>, or the path of an absolute-form target.</summary>
    public static string Of(string rawTarget)
    {
        var target = rawTarget.AsSpan();
        if (!target.StartsWith('/') && target.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            var authority = target[(scheme + 3)..];
            var slash = authority.IndexOfAny('/', '?');
            target = slash >= 0 ? authority[slash..] : "/";
        }

        var query = target.IndexOf('?');
        return (query >= 0 ? target[..query] : target).ToString();
    }

    /// <summary>
    /// Whether a segment is <c>.</c> or <c>..</c> once percent-decoded (up to <see cref="DecodingRounds"/>
    /// times), with <c>\</c> taken as a separator (as Windows servers do) and anything after <c>;</c>
    /// ignored (path parameters, as in <c>..;</c> that Java servers resolve).
    /// </summary>
    public static bool HasDotSegment(string rawPath)
    {
        // Nearly every path: neither a dot nor an escape, so nothing to decode.
        if (rawPath.AsSpan().IndexOfAny('.', '%') < 0)
        {
            return false;
        }

        var path = rawPath;
        for (var round = 0; round <= DecodingRounds; round++)
        {
            foreach (var segment in path.Split(Separators))
            {
                var semicolon = segment.IndexOf(';');
                if ((semicolon >= 0 ? segment[..semicolon] : segment) is "." or "..")
                {
                    return true;
                }
            }

            var decoded = Uri.UnescapeDataString(path);
            if (decoded == path)
            {
                return false;
            }

            path = decoded;
        }

        return false;
    }

    /// <summary>The raw path after its first segment (the <c>/v1</c> the route matched), still encoded as sent.</summary>
    public static string AfterFirstSegment(string rawPath)
    {
        var next = rawPath.IndexOf('/', 1);
        return next < 0 ? "" : rawPath[next..];
    }
}
