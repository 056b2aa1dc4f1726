using System.Runtime.InteropServices;
using Bastio.LocalRun;
using Bastio.LocalRun.Configuration;

// `make run` runs: dotnet local/Bastio.LocalRun/bin/<Configuration>/net10.0/Bastio.LocalRun.dll [--root DIR] [--configuration C] [--state-dir DIR]
// Ports come from BASTIO_CLUSTER_PORT, BASTIO_GATEWAY_PORT, BASTIO_GATEWAY_ADMIN_PORT, BASTIO_OPERATOR_ADMIN_PORT, BASTIO_STUB_PORT.
string? root = null;
var configuration = "Release";
string? stateDirectory = null;
for (var index = 0; index < args.Length; index++)
{
    var value = index + 1 < args.Length ? args[index + 1] : null;
    switch (args[index])
    {
        case "--root" when value is not null:
            root = Path.GetFullPath(value);
            index++;
            break;
        case "--configuration" when value is not null:
            configuration = value;
            index++;
            break;
        case "--state-dir" when value is not null:
            stateDirectory = Path.GetFullPath(value);
            index++;
            break;
        default:
            await Console.Error.WriteLineAsync($"error: unknown or incomplete argument '{args[index]}'; usage: [--root DIR] [--configuration Release|Debug] [--state-dir DIR]");
            return LocalSystem.ExitConfiguration;
    }
}

root ??= FindRepositoryRoot(Environment.CurrentDirectory);
if (root is null)
{
    await Console.Error.WriteLineAsync("error: run from the Bastio repository (no Bastio.K8s.sln here or above), or pass --root");
    return LocalSystem.ExitConfiguration;
}

LocalRunOptions options;
try
{
    options = LocalRunOptions.FromEnvironment(root, configuration, stateDirectory, Environment.GetEnvironmentVariable);
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync($"error: {exception.Message}");
    return LocalSystem.ExitConfiguration;
}

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    // Handle the signal ourselves: the runtime's default would exit before the children are stopped.
    context.Cancel = true;
    stop.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
Console.Out.Flush();
return await new LocalSystem(options, Console.Out, TimeProvider.System).RunAsync(stop.Token);

static string? FindRepositoryRoot(string start)
{
    for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
        {
            return directory.FullName;
        }
    }

    return null;
}
