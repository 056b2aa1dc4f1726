using System.CommandLine;
using Bastio.Plugin.Kube;

namespace Bastio.Plugin.Cli;

/// <summary>Runs a command's body with a connected <see cref="CommandContext"/> and maps every failure to an exit code.</summary>
public sealed class CliBinder(GlobalOptions globals, IClusterConnector connector, TextReader input, TimeProvider timeProvider)
{
    public GlobalOptions Globals { get; } = globals;

    public void SetAction(Command command, Func<CommandContext, ParseResult, CancellationToken, Task> run)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            Uri? server = null;
            try
            {
                var (cluster, contextNamespace) = connector.Connect(parseResult.GetValue(Globals.Kubeconfig), parseResult.GetValue(Globals.Context));
                server = cluster.Server;
                var context = new CommandContext(
                    cluster,
                    parseResult.GetValue(Globals.Namespace) ?? contextNamespace ?? "default",
                    parseResult.GetValue(Globals.Output),
                    parseResult.GetValue(Globals.Timeout),
                    output,
                    error,
                    input,
                    timeProvider);
                await run(context, parseResult, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("error: interrupted");
                return ExitCodes.Error;
            }
            catch (Exception exception)
            {
                return ErrorReporter.Report(exception, error, server);
            }
        });
    }
}
