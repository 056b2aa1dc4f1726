using Bastio.EndToEnd.Tests.Targets;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the built <c>kubectl-bastio</c> executable against the system under test.</summary>
public static class Plugin
{
    public static Task<CommandResult> RunAsync(SystemUnderTest system, params string[] arguments) =>
        RunWithAsync(system, null, null, arguments);

    public static Task<CommandResult> RunWithAsync(
        SystemUnderTest system, IReadOnlyDictionary<string, string?>? environment, string? input, params string[] arguments) =>
        CommandRunner.RunAsync(
            Repository.PluginExecutable,
            ["--kubeconfig", system.Kubeconfig, "-n", system.Namespace, .. arguments],
            environment,
            input);
}
