namespace Bastio.Core.Keys;

/// <summary>The environment segment of a client key, derived from the Proxy's <c>spec.environment</c> (<c>ProxyEnvironments.TryParse</c> in Bastio.Crds).</summary>
public enum KeyEnvironment
{
    /// <summary><c>live</c>, from <c>production</c> (the default).</summary>
    Live,

    /// <summary><c>test</c>, from <c>staging</c>.</summary>
    Test,

    /// <summary><c>dev</c>, from <c>development</c>.</summary>
    Dev,
}

public static class KeyEnvironments
{
    /// <summary>The segment written into keys: <c>live</c>, <c>test</c> or <c>dev</c>.</summary>
    public static string ToSegment(this KeyEnvironment environment) => environment switch
    {
        KeyEnvironment.Live => "live",
        KeyEnvironment.Test => "test",
        KeyEnvironment.Dev => "dev",
        _ => throw new ArgumentOutOfRangeException(nameof(environment), environment, "Unknown key environment."),
    };

    /// <summary>Reads a segment followed by <c>_</c> at the start of <paramref name="text"/>.</summary>
    internal static bool TryReadSegment(ReadOnlySpan<char> text, out KeyEnvironment environment, out int consumed)
    {
        if (text.StartsWith("live_", StringComparison.Ordinal))
        {
            (environment, consumed) = (KeyEnvironment.Live, 5);
            return true;
        }

        if (text.StartsWith("test_", StringComparison.Ordinal))
        {
            (environment, consumed) = (KeyEnvironment.Test, 5);
            return true;
        }

        if (text.StartsWith("dev_", StringComparison.Ordinal))
        {
            (environment, consumed) = (KeyEnvironment.Dev, 4);
            return true;
        }

        (environment, consumed) = (default, 0);
        return false;
    }
}
