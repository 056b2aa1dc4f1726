using Bastio.Gateway.Hosting;

return await GatewayCommandLine.Create(RunAsync).Parse(args).InvokeAsync().ConfigureAwait(false);

static async Task<int> RunAsync(GatewayOptions options, CancellationToken cancellationToken)
{
    try
    {
        await using var host = await GatewayHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"gateway listening on {host.Url} (admin {host.AdminUrl})").ConfigureAwait(false);
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        // Ctrl-C / SIGTERM: System.CommandLine cancels the token; shut down cleanly.
    }
    catch (Exception ex) when (ex is ArgumentException or Bastio.Kubernetes.Configuration.KubeconfigException)
    {
        await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
        return 1;
    }

    return 0;
}
