using System.Runtime.InteropServices;

namespace Bastio.LocalRun.Processes;

internal static partial class NativeSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to shut down cleanly; a process that is already gone is not an error.</summary>
    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
