using System.Diagnostics;
using System.Threading.Channels;

namespace Bastio.LocalRun.Processes;

/// <summary>
/// Starts children through <c>setpriv --pdeathsig KILL</c>, so the kernel kills them when the
/// orchestrator dies, even by SIGKILL, and no child outlives it. The death signal fires when the
/// *thread* that forked the child exits, so every child is forked from one dedicated thread that
/// lives as long as the orchestrator (thread-pool threads retire when idle, which would kill children).
/// </summary>
internal sealed class ProcessSpawner
{
    private readonly Channel<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> _requests =
        Channel.CreateUnbounded<(ProcessStartInfo, TaskCompletionSource<Process>)>(new() { SingleReader = true });

    public ProcessSpawner()
    {
        new Thread(Run) { IsBackground = true, Name = "child-process-spawner" }.Start();
    }

    /// <summary>Starts <paramref name="fileName"/> with the death signal set; streams are redirected as <paramref name="startInfo"/> says.</summary>
    public Task<Process> StartAsync(string fileName, IEnumerable<string> arguments, ProcessStartInfo startInfo)
    {
        startInfo.FileName = "setpriv";
        startInfo.ArgumentList.Clear();
        foreach (var argument in (string[])["--pdeathsig", "KILL", "--", fileName, .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_requests.Writer.TryWrite((startInfo, started)))
        {
            throw new InvalidOperationException("the spawner no longer accepts requests");
        }

        return started.Task;
    }

    private void Run()
    {
        var reader = _requests.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var request))
            {
                try
                {
                    var process = new Process { StartInfo = request.StartInfo, EnableRaisingEvents = true };
                    process.Start();
                    request.Started.SetResult(process);
                }
                catch (Exception exception)
                {
                    request.Started.SetException(exception);
                }
            }
        }
    }
}
