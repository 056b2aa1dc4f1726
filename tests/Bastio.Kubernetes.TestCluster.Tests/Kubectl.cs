using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Bastio.Kubernetes.TestCluster.Tests;

internal sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the real kubectl against a test cluster with its own kubeconfig and discovery cache.</summary>
internal sealed class Kubectl : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _home = System.IO.Directory.CreateTempSubdirectory("bastio-kubectl-");

    private Kubectl()
    {
    }

    private string KubeconfigPath => Path.Combine(_home.FullName, "kubeconfig");

    private string CacheDir => Path.Combine(_home.FullName, "cache");

    public static async Task<Kubectl> ForAsync(TestClusterServer server)
    {
        var kubectl = new Kubectl();
        await server.WriteKubeconfigAsync(kubectl.KubeconfigPath);
        return kubectl;
    }

    public async Task<string> WriteFileAsync(string name, string content)
    {
        var path = Path.Combine(_home.FullName, name);
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    public async Task<KubectlResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running command (get -w, wait, delete) whose output is read as it comes.</summary>
    public RunningKubectl StartStreaming(params string[] args) => new(Start(args));

    public void Dispose()
    {
        try
        {
            _home.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A killed kubectl may still hold a cache file for a moment; the temp folder is disposable.
        }
    }

    private Process Start(string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--kubeconfig=" + KubeconfigPath);
        info.ArgumentList.Add("--cache-dir=" + CacheDir);
        info.Environment["KUBECONFIG"] = KubeconfigPath;
        info.Environment["KUBECACHEDIR"] = CacheDir;
        info.Environment["HOME"] = _home.FullName;
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }
}

/// <summary>A kubectl process whose stdout lines are read incrementally.</summary>
internal sealed class RunningKubectl : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();
    private readonly Task _pump;
    private readonly Task _stderrPump;

    public RunningKubectl(Process process)
    {
        _process = process;
        _pump = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Writer.TryWrite(line);
            }

            _lines.Writer.TryComplete();
        });
        _stderrPump = Task.Run(async () => _stderr.Append(await process.StandardError.ReadToEndAsync()));
    }

    /// <summary>Reads stdout until a line contains <paramref name="text"/>; fails at the deadline.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"no line containing '{text}'; stderr: {_stderr}");
    }

    public async Task<KubectlResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(deadline.Token);
        await _pump;
        await _stderrPump;
        var stdout = new StringBuilder();
        while (_lines.Reader.TryRead(out var line))
        {
            stdout.AppendLine(line);
        }

        return new KubectlResult(_process.ExitCode, stdout.ToString(), _stderr.ToString());
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
}
