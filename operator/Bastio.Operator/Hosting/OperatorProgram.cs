using System.Runtime.InteropServices;
using Bastio.Crds;
using Bastio.Crds.Rotation;
using Bastio.Kubernetes.Api;
using Bastio.Operator.Configuration;
using Bastio.Operator.Lifecycle;
using k8s;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Hosting;

/// <summary>Entry points behind the command line.</summary>
internal static class OperatorProgram
{
    /// <summary>In-flight reconciles get this long after the signal: below the pod's default 30 s grace period, so the Lease is released before Kubernetes kills the pod.</summary>
    private const string RotateFieldManager = "bastio-rotate";

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(OperatorOptions options, CancellationToken cancellationToken)
    {
        // Logs go to stderr so that stdout carries only the audit trail, one JSON line per action.
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
        using var client = CreateClient(options.Kubeconfig, options.Context, loggerFactory, new KubernetesClientOptions { Qps = options.KubeApiQps, Burst = options.KubeApiBurst });
        await using var host = new OperatorHost(client, options, loggerFactory, Console.Out);

        // SIGTERM is how Kubernetes stops a pod: stop reconciling and release the lease so a standby takes over at once.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        await host.StartAsync(stop.Token).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        using var shutdown = new CancellationTokenSource(ShutdownTimeout);
        await host.StopAsync(shutdown.Token).ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> RotateAsync(RotateOptions options, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        using var client = CreateClient(options.Kubeconfig, options.Context, loggerFactory);
        return await RotateAsync(client.ApiKeys(), options, Console.Out, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>rotate</c> command: one request by the rotate protocol; the exit code is the outcome.</summary>
    internal static async Task<int> RotateAsync(IResourceClient<ApiKey> apiKeys, RotateOptions options, TextWriter output, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var result = await new RotationRequest(apiKeys, timeProvider)
            .RunAsync(options.Namespace, options.Name, options.Wait, AuditEntry.ScheduleActor, grace: null, RotateFieldManager, cancellationToken)
            .ConfigureAwait(false);
        var key = $"ApiKey {options.Namespace}/{options.Name}";
        await output.WriteLineAsync(result.Outcome switch
        {
            RotationOutcome.Completed => $"{key} rotated to version {result.ApiKey?.Status?.Version} (request {result.Request}).",
            RotationOutcome.Failed => $"{key}: rotation request {result.Request} failed: {result.Reason}",
            RotationOutcome.TimedOut => $"{key}: no answer to rotation request {result.Request} within {options.Wait}.",
            _ => $"{key} does not exist.",
        }).ConfigureAwait(false);
        return (int)result.Outcome;
    }

    private static IKubernetes CreateClient(string? kubeconfig, string? context, ILoggerFactory loggerFactory, KubernetesClientOptions? clientOptions = null) =>
        KubernetesConnection.CreateClient(KubernetesConnection.LoadConfiguration(kubeconfig, context), clientOptions, loggerFactory.CreateLogger(typeof(KubernetesConnection)));
}
