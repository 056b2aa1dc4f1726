namespace Bastio.Plugin.Cli;

/// <summary>A failure the user can act on: its message is printed as is and the process exits with <see cref="ExitCode"/>.</summary>
public sealed class CommandException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CommandException Usage(string message) => new(ExitCodes.Usage, message);

    public static CommandException NotFound(string message) => new(ExitCodes.NotFound, message);

    public static CommandException Timeout(string message) => new(ExitCodes.Timeout, message);
}
