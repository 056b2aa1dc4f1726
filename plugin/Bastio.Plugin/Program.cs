using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;

// kubectl runs `kubectl bastio ARGS` as `kubectl-bastio ARGS`, passing the environment (KUBECONFIG) through.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    interrupted.Cancel();
};
return await PluginCli.RunAsync(args, new KubeconfigConnector(), Console.Out, Console.Error, Console.In, TimeProvider.System, interrupted.Token);
