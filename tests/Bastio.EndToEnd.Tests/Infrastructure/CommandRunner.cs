using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Bastio.EndToEnd.Tests.Infrastructure;

public sealed partial record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>For assertion messages: client keys are masked so a failing test does not print key material.</summary>
    public override string ToString() => ClientKey().Replace($"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}", "bastio_sk_<redacted>");

    [GeneratedRegex(@"bastio_sk_\w+")]
    private static partial Regex ClientKey();
}

/// <summary>Runs a program to completion with a deadline, capturing both streams.</summary>
public static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? input = null,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish in time");
        }

        return new(process.ExitCode, await output, await error);
    }
}
