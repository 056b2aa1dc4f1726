using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>The real <c>make run</c> orchestrator as a child process, on ports of the test's choosing.</summary>
public sealed class LocalRunProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalRunProcess(Process process, string stateDirectory, LocalRunPorts ports)
    {
        _process = process;
        StateDirectory = stateDirectory;
        Ports = ports;
    }

    public int Id => _process.Id;

    public string StateDirectory { get; }

    public LocalRunPorts Ports { get; }

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

    public static LocalRunProcess Start(LocalRunPorts ports, string stateDirectory)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in (string[])[Repository.LocalRunAssembly, "--root", Repository.Root, "--configuration", Repository.Configuration, "--state-dir", stateDirectory])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (variable, port) in ports.Variables)
        {
            startInfo.Environment[variable] = port.ToString(CultureInfo.InvariantCulture);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var run = new LocalRunProcess(process, stateDirectory, ports);
        process.OutputDataReceived += (_, line) => run.Append(line.Data);
        process.ErrorDataReceived += (_, line) => run.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits for the banner's last line; fails with everything printed if the orchestrator exits first.</summary>
    public async Task<PrintedBanner> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout));
        if (first != _ready.Task)
        {
            var why = first == exited ? $"exited with {_process.ExitCode}" : $"was not ready after {timeout}";
            throw new InvalidOperationException($"make run {why}. Output:\n{Output}\n{LogTails()}");
        }

        return PrintedBanner.Parse(Output);
    }

    /// <summary>Processes whose parent is the orchestrator: the components it started.</summary>
    public IReadOnlyList<int> ChildPids() => ProcessTable.ChildrenOf(_process.Id);

    public void Signal(string signal) =>
        Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!.WaitForExit();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal("INT");
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private string LogTails()
    {
        var logs = Path.Combine(StateDirectory, "logs", "all.log");
        return File.Exists(logs) ? "Last log lines:\n" + string.Join('\n', File.ReadLines(logs).TakeLast(60)) : "";
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

        if (line == "Ready.")
        {
            _ready.TrySetResult();
        }
    }
}

/// <summary>One free port per component, passed through the variables <c>make run</c> documents.</summary>
public sealed record LocalRunPorts(int Cluster, int Gateway, int GatewayAdmin, int OperatorAdmin, int Stub)
{
    public static LocalRunPorts Free()
    {
        var ports = FreePorts.Take(5);
        return new(ports[0], ports[1], ports[2], ports[3], ports[4]);
    }

    public IEnumerable<(string Variable, int Port)> Variables =>
    [
        ("BASTIO_CLUSTER_PORT", Cluster), ("BASTIO_GATEWAY_PORT", Gateway), ("BASTIO_GATEWAY_ADMIN_PORT", GatewayAdmin),
        ("BASTIO_OPERATOR_ADMIN_PORT", OperatorAdmin), ("BASTIO_STUB_PORT", Stub),
    ];
}
