using Bastio.Plugin.Kube;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.Cli;

/// <summary>What a command runs with: the cluster, the resolved namespace, the output format and the console.</summary>
public sealed class CommandContext(
    BastioCluster cluster,
    string ns,
    OutputFormat output,
    TimeSpan timeout,
    TextWriter outWriter,
    TextWriter errorWriter,
    TextReader input,
    TimeProvider timeProvider)
{
    public BastioCluster Cluster { get; } = cluster;

    /// <summary>From <c>-n</c>, else the kubeconfig context's namespace, else <c>default</c>.</summary>
    public string Namespace { get; } = ns;

    public OutputFormat Output { get; } = output;

    public TimeSpan Timeout { get; } = timeout;

    public TextWriter Out { get; } = outWriter;

    public TextWriter Error { get; } = errorWriter;

    public TextReader In { get; } = input;

    public TimeProvider Time { get; } = timeProvider;

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns a value or <see cref="Timeout"/> passes. Polling
    /// (not a watch) keeps the wait correct across API server restarts and needs only get permission.
    /// </summary>
    public async Task<T> WaitForAsync<T>(Func<CancellationToken, Task<T?>> probe, string what, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = Time.GetUtcNow() + Timeout;
        while (true)
        {
            if (await probe(cancellationToken) is { } result)
            {
                return result;
            }

            if (Time.GetUtcNow() >= deadline)
            {
                throw CommandException.Timeout($"timed out after {Formatting.HumanDuration(Timeout)} waiting for {what} (raise --timeout, or check the operator)");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Time, cancellationToken);
        }
    }
}
