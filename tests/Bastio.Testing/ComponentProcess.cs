using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bastio.Testing;

/// <summary>
/// A component's real binary (<c>dotnet X.dll</c>) as a child process, its output captured: what signals
/// do to a process can only be seen on a process.
/// </summary>
public sealed class ComponentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly Action<string>? _onLine;

    private ComponentProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything printed so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="assembly"/> with <paramref name="arguments"/>; <paramref name="onLine"/> sees each printed line.</summary>
    public static ComponentProcess Start(string assembly, IEnumerable<string> arguments, Action<string>? onLine = null)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // A pipe nobody writes to: the child must not read the test runner's terminal.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var component = new ComponentProcess(process, onLine);
        process.OutputDataReceived += (_, line) => component.Append(line.Data);
        process.ErrorDataReceived += (_, line) => component.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return component;
    }

    /// <summary>Sends a signal by name (<c>TERM</c>, <c>INT</c>, <c>KILL</c>) the way <c>kill</c> does.</summary>
    public void Signal(string signal) =>
        Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!.WaitForExit();

    /// <summary>The exit code, or a failure with everything the process printed when it runs past <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The process still runs after {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }

        _onLine?.Invoke(line);
    }
}
