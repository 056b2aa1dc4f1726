namespace Bastio.Plugin.Cli;

/// <summary>
/// Process exit codes scripts can rely on. Documented in the README and in <c>kubectl bastio --help</c>.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Anything else: cluster unreachable, CRDs missing, the server refused the change, aborted.</summary>
    public const int Error = 1;

    /// <summary>Bad arguments or options.</summary>
    public const int Usage = 2;

    /// <summary>The named object does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>The API server refused the credentials (401) or RBAC denied the request (403).</summary>
    public const int Forbidden = 4;

    /// <summary>A wait (<c>keys create</c>, <c>keys rotate --wait</c>) did not finish within <c>--timeout</c>.</summary>
    public const int Timeout = 5;

    public const string Help =
        "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 unauthorized or forbidden, 5 timed out waiting.";
}
