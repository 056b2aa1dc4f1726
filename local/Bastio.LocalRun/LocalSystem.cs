using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Bastio.Core;
using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.LocalRun.Configuration;
using Bastio.LocalRun.Manifests;
using Bastio.LocalRun.Processes;
using Bastio.LocalRun.Readiness;

namespace Bastio.LocalRun;

/// <summary>
/// The whole system on this machine: the in-process test cluster, the stub upstream, the operator
/// and the gateway as separate processes, the CRDs and examples applied, the example key printed.
/// Runs until <c>stop</c> fires or a component dies, then stops every process it started.
/// </summary>
public sealed class LocalSystem(LocalRunOptions options, TextWriter console, TimeProvider timeProvider)
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitConfiguration = 2;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly List<ChildProcess> _children = [];
    private readonly ProcessSpawner _spawner = new();

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var conflicts = PortCheck.FindConflicts(options.Ports);
        if (conflicts.Count > 0)
        {
            foreach (var conflict in conflicts)
            {
                await console.WriteLineAsync($"error: {conflict}");
            }

            return ExitConfiguration;
        }

        var missing = Components.Where(component => !File.Exists(AssemblyPath(component))).ToList();
        if (missing.Count > 0)
        {
            await console.WriteLineAsync(
                $"error: not built ({options.Configuration}): {string.Join(", ", missing.Select(AssemblyPath))}; `make run` builds before it starts");
            return ExitConfiguration;
        }

        Directory.CreateDirectory(options.StateDirectory);
        File.Delete(options.KubeconfigPath);
        using var logs = new LogSink(options.LogDirectory);
        try
        {
            var (apiKey, secretName) = await StartAsync(logs, stop);
            await console.WriteLineAsync(Banner.Render(
                options.GatewayUrl, apiKey, options.ExampleKey, secretName, options.Namespace, Display(options.KubeconfigPath), Display(options.LogDirectory)));
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = stop.Register(() => stopped.TrySetResult());
            var exits = _children.ConvertAll(child => child.Exited);
            var first = await Task.WhenAny([stopped.Task, .. exits]);
            if (first != stopped.Task)
            {
                var child = _children[exits.IndexOf((Task<int>)first)];
                await ReportAsync(logs, new StartupException($"{child.Name} exited unexpectedly (code {child.Exited.Result})", child.Name));
                return ExitFailed;
            }

            await console.WriteLineAsync();
            await console.WriteLineAsync("Stopping...");
            return ExitOk;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await console.WriteLineAsync("Interrupted; stopping...");
            return ExitOk;
        }
        catch (StartupException exception)
        {
            await ReportAsync(logs, exception);
            return ExitFailed;
        }
        finally
        {
            await StopAllAsync();
            File.Delete(options.KubeconfigPath);
            await console.WriteLineAsync("Stopped.");
        }
    }

    private static readonly Component Cluster = new("cluster", "kubernetes/Bastio.Kubernetes.TestCluster", "Bastio.Kubernetes.TestCluster");
    private static readonly Component Stub = new("stub", "local/Bastio.StubUpstream", "Bastio.StubUpstream");
    private static readonly Component Operator = new("operator", "operator/Bastio.Operator", "Bastio.Operator");
    private static readonly Component Gateway = new("gateway", "gateway/Bastio.Gateway", "Bastio.Gateway");
    private static readonly Component[] Components = [Cluster, Stub, Operator, Gateway];

    private async Task<(string ApiKey, string SecretName)> StartAsync(LogSink logs, CancellationToken stop)
    {
        var waiter = new Waiter(timeProvider, options.StepTimeout, _children);
        var stubKey = "sk-local-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        // HTTPS by name, as a real provider: the gateway sends "localhost" as TLS server name and validates the
        // stub's certificate against the CA the stub writes (never trusted beyond --upstream-ca-file).
        var stubUrl = new Uri($"https://localhost:{options.StubPort.Port}/v1");
        File.Delete(options.UpstreamCaPath);

        // Both start at once; neither needs the other.
        await LaunchAsync(logs, Cluster, "--port", $"{options.ClusterPort.Port}", "--kubeconfig", options.KubeconfigPath,
            "--namespace", options.Namespace, "--namespace", options.SystemNamespace);
        await LaunchAsync(logs, Stub, "--address", "127.0.0.1", "--port", $"{options.StubPort.Port}", "--valid-key", stubKey, "--ca-out", options.UpstreamCaPath);

        using var client = await StepAsync("test cluster", $"https://127.0.0.1:{options.ClusterPort.Port}", () =>
            waiter.UntilAsync("the test cluster to answer", Cluster.Name, ConnectAsync, stop));
        var applier = new ManifestApplier(client);
        var apiKeys = client.ApiKeys();
        await StepAsync("CRDs", "applied crds/", async () =>
        {
            await ApplyAsync(applier, ReadManifests("crds"), stop);
            return await waiter.UntilAsync("the bastio.io CRDs to be served", Cluster.Name, async token =>
                await apiKeys.ListAsync(options.Namespace, new ListOptions { Limit = 1 }, token), stop);
        });

        await StepAsync("stub upstream", stubUrl.ToString(), () =>
            waiter.UntilAsync("the stub upstream", Stub.Name, token => ProbeStubAsync(new Uri(stubUrl + "/models"), stubKey, token), stop));

        string[] upstreamRules = ["--upstream-ca-file", options.UpstreamCaPath, "--upstream-allow-cidrs", options.StubAllowedCidr];
        await LaunchAsync(logs, Operator, ["--kubeconfig", options.KubeconfigPath, "--system-namespace", options.SystemNamespace,
            "--admin-address", "127.0.0.1", "--admin-port", $"{options.OperatorAdminPort.Port}", "--gateway-url", options.GatewayUrl.ToString().TrimEnd('/'), .. upstreamRules]);

        // No Service in front whose endpoints must drain first: on Ctrl-C the gateway closes its listener at once.
        await LaunchAsync(logs, Gateway, ["--kubeconfig", options.KubeconfigPath, "--system-namespace", options.SystemNamespace, "--address", "127.0.0.1",
            "--port", $"{options.GatewayPort.Port}", "--admin-port", $"{options.GatewayAdminPort.Port}", "--max-staleness", "5m",
            "--shutdown-delay", "0s", "--shutdown-timeout", "3s", .. upstreamRules]);
        await StepAsync("examples", "applied examples/, proxies pointed at the stub", async () =>
        {
            var examples = ReadManifests("examples");
            LocalExamples.Rewrite(examples, stubUrl, stubKey);
            return await ApplyAsync(applier, examples, stop);
        });

        await StepAsync("gateway", options.GatewayUrl.ToString(), () =>
            waiter.UntilAsync("the gateway to sync (/readyz)", Gateway.Name,
                token => ProbeAsync(new Uri($"http://127.0.0.1:{options.GatewayAdminPort.Port}/readyz"), null, token), stop));

        return await StepAsync("operator", $"ApiKey {options.Namespace}/{options.ExampleKey} is Ready", async () =>
        {
            var key = await waiter.UntilAsync($"ApiKey {options.Namespace}/{options.ExampleKey} to be Ready", Operator.Name, async token =>
            {
                var current = await apiKeys.GetAsync(options.Namespace, options.ExampleKey, token);
                return current.Status is { Conditions: { } conditions } status
                    && status.ObservedGeneration >= current.Metadata.Generation
                    && conditions.Exists(condition => condition is { Type: "Ready", Status: "True" })
                    ? current
                    : null;
            }, stop);
            var secretName = key.Status?.SecretName ?? key.Spec.SecretName ?? $"{options.ExampleKey}-key";
            var delivered = await waiter.UntilAsync($"Secret {options.Namespace}/{secretName}", Operator.Name, async token =>
                (await client.Secrets().TryGetAsync(options.Namespace, secretName, token))?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey), stop);
            var apiKey = Encoding.UTF8.GetString(delivered);

            // Ready in the cluster is not yet "works": wait until the gateway itself accepts the key.
            await waiter.UntilAsync("the gateway to accept the example key", Gateway.Name,
                token => ProbeAsync(new Uri(options.GatewayUrl + "/models"), apiKey, token), stop);
            return (apiKey, secretName);
        });
    }

    /// <summary>A client once the kubeconfig is written and the API server answers with it.</summary>
    private async Task<IKubernetes?> ConnectAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.KubeconfigPath))
        {
            return null;
        }

        var client = KubernetesConnection.CreateClient(KubernetesConnection.LoadConfiguration(options.KubeconfigPath), new KubernetesClientOptions { MaxReadRetries = 0 });
        try
        {
            await client.Namespaces().ListAsync(null, new ListOptions { Limit = 1 }, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task<string> ApplyAsync(ManifestApplier applier, List<System.Text.Json.Nodes.JsonObject> manifests, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var manifest in manifests)
            {
                await applier.ApplyAsync(manifest, options.Namespace, cancellationToken);
            }

            return "applied";
        }
        catch (Exception exception) when (exception is KubernetesApiException or NotSupportedException or FormatException)
        {
            throw new StartupException($"applying manifests failed: {exception.Message}", Cluster.Name, exception);
        }
    }

    private async Task<T> StepAsync<T>(string name, string detail, Func<Task<T>> step)
    {
        var started = timeProvider.GetTimestamp();
        await console.WriteAsync($"  {name,-14} ");
        var result = await step();
        await console.WriteLineAsync($"ready in {timeProvider.GetElapsedTime(started).TotalSeconds:0.0}s  {detail}");
        return result;
    }

    private async Task LaunchAsync(LogSink logs, Component component, params string[] arguments)
    {
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var child = await ChildProcess.StartAsync(_spawner, logs, component.Name, host, [AssemblyPath(component), .. arguments], options.RepositoryRoot);
        _children.Add(child);
    }

    private async Task StopAllAsync()
    {
        // Reverse start order: the gateway and operator go before the API server they talk to.
        foreach (var group in new[] { new[] { Gateway.Name, Operator.Name }, [Stub.Name], [Cluster.Name] })
        {
            await Task.WhenAll(_children.Where(child => group.Contains(child.Name)).Select(async child =>
            {
                if (!await child.StopAsync(options.StopGracePeriod))
                {
                    // A component that ignores SIGTERM would also outlast its pod's grace period: say so.
                    await console.WriteLineAsync($"warning: {child.Name} did not stop within {options.StopGracePeriod.TotalSeconds:0}s of SIGTERM and was killed");
                }
            }));
        }
    }

    private async Task ReportAsync(LogSink logs, StartupException exception)
    {
        await console.WriteLineAsync();
        await console.WriteLineAsync($"error: {exception.Message}");
        if (exception.Component is { } component)
        {
            var tail = logs.Tail(component);
            if (tail.Count > 0)
            {
                await console.WriteLineAsync($"last lines of {Display(logs.PathOf(component))}:");
                foreach (var line in tail)
                {
                    await console.WriteLineAsync($"  {line}");
                }
            }
        }

        await console.WriteLineAsync($"all logs: {Display(options.LogDirectory)}");
    }

    private List<System.Text.Json.Nodes.JsonObject> ReadManifests(string folder)
    {
        var directory = Path.Combine(options.RepositoryRoot, folder);
        var files = Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new StartupException($"no *.yaml manifests in {Display(directory)}");
        }

        try
        {
            return [.. files.SelectMany(file => YamlDocuments.Parse(File.ReadAllText(file), Display(file)))];
        }
        catch (FormatException exception)
        {
            throw new StartupException(exception.Message, innerException: exception);
        }
    }

    /// <summary>
    /// <see cref="ProbeAsync"/> over HTTPS once the stub has written its CA, trusting it exactly as the
    /// gateway and the operator will (<see cref="UpstreamTrust"/>), so a broken certificate shows here.
    /// </summary>
    private async Task<string?> ProbeStubAsync(Uri url, string bearer, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.UpstreamCaPath))
        {
            return null;
        }

        var handler = new SocketsHttpHandler();
        UpstreamTrust.Load(options.UpstreamCaPath).Apply(handler);
        using var client = new HttpClient(handler) { Timeout = Http.Timeout };
        return await ProbeAsync(url, bearer, cancellationToken, client);
    }

    /// <summary>The response for a 200, null for anything else; the key is sent only as a header.</summary>
    private static async Task<string?> ProbeAsync(Uri url, string? bearer, CancellationToken cancellationToken, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await (client ?? Http).SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode ? "ok" : null;
    }

    private string AssemblyPath(Component component) =>
        Path.Combine(options.RepositoryRoot, component.Project, "bin", options.Configuration, "net10.0", component.Assembly + ".dll");

    /// <summary>Paths relative to the current directory when inside it, as a user would type them.</summary>
    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private sealed record Component(string Name, string Project, string Assembly);
}
