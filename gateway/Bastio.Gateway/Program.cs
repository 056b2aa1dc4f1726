using System.CommandLine;
using Bastio.Gateway.Hosting;

// The gateway handles SIGTERM and SIGINT itself (ShutdownSignals): System.CommandLine's handling would
// cancel the token and force an exit after two seconds, cutting in-flight requests and streams.
return await GatewayCommandLine.Create(RunAsync).Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

static async Task<int> RunAsync(GatewayOptions options, CancellationToken cancellationToken)
{
    using var signals = new ShutdownSignals();
    try
    {
        await using var host = await GatewayHost.StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"gateway listening on {host.Url} (admin {host.AdminUrl})").ConfigureAwait(false);
        await signals.Requested.ConfigureAwait(false);
        await host.ShutdownAsync(signals.Forced).ConfigureAwait(false);
    }
    catch (Exception ex) when (ex is ArgumentException or k8s.Exceptions.KubeConfigException)
    {
        await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
        return 1;
    }

    return 0;
}
