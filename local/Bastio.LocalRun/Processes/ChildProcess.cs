using System.Diagnostics;

namespace Bastio.LocalRun.Processes;

/// <summary>One component running as a separate process, its output captured into the <see cref="LogSink"/>.</summary>
internal sealed class ChildProcess
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends, for whatever reason.</summary>
    public Task<int> Exited => _exited.Task;

    public static async Task<ChildProcess> StartAsync(
        ProcessSpawner spawner, LogSink logs, string name, string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // A pipe nobody writes to: children must not read the terminal the user types Ctrl-C into.
            RedirectStandardInput = true,
        };
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        // Per-request logs of the readiness probes would bury what matters in the logs.
        startInfo.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        var process = await spawner.StartAsync(fileName, arguments, startInfo);
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, line) => child.Capture(logs, line.Data);
        process.ErrorDataReceived += (_, line) => child.Capture(logs, line.Data);
        process.Exited += (_, _) => child._exited.TrySetResult(process.ExitCode);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            child._exited.TrySetResult(process.ExitCode);
        }

        return child;
    }

    /// <summary>SIGTERM, then SIGKILL for whatever still runs after <paramref name="gracePeriod"/>; false when it had to be killed.</summary>
    public async Task<bool> StopAsync(TimeSpan gracePeriod)
    {
        if (_exited.Task.IsCompleted)
        {
            return true;
        }

        NativeSignals.Terminate(_process.Id);
        try
        {
            await _exited.Task.WaitAsync(gracePeriod);
            return true;
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
            return false;
        }
    }

    private void Capture(LogSink logs, string? line)
    {
        if (line is not null)
        {
            logs.Write(Name, line);
        }
    }
}
