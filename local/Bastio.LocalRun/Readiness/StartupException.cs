namespace Bastio.LocalRun.Readiness;

/// <summary>A start-up step failed; <see cref="Component"/> names the process whose log explains it, if one does.</summary>
public sealed class StartupException(string message, string? component = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string? Component { get; } = component;
}
