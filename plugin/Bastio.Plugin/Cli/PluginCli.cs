using System.CommandLine;
using Bastio.Plugin.Audit;
using Bastio.Plugin.Keys;
using Bastio.Plugin.ProviderKeys;
using Bastio.Plugin.Proxies;
using Bastio.Plugin.Usage;

namespace Bastio.Plugin.Cli;

/// <summary>The <c>kubectl bastio</c> command tree.</summary>
public static class PluginCli
{
    public static RootCommand Create(IClusterConnector connector, TextReader input, TimeProvider timeProvider)
    {
        var globals = new GlobalOptions();
        var binder = new CliBinder(globals, connector, input, timeProvider);
        var root = new RootCommand($"Manage Bastio API keys, provider keys and proxies.\n\n{ExitCodes.Help}");
        globals.AddTo(root);
        root.Subcommands.Add(KeysCommand.Create(binder));
        root.Subcommands.Add(ProviderKeysCommand.Create(binder));
        root.Subcommands.Add(ProxiesCommand.Create(binder));
        root.Subcommands.Add(AuditCommand.Create(binder));
        root.Subcommands.Add(UsageCommand.Create(binder));
        return root;
    }

    public static async Task<int> RunAsync(
        string[] args,
        IClusterConnector connector,
        TextWriter output,
        TextWriter error,
        TextReader input,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var parseResult = Create(connector, input, timeProvider).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // System.CommandLine exits 1 on parse errors; scripts get the documented usage code instead.
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }

            await error.WriteLineAsync("Run 'kubectl bastio --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
