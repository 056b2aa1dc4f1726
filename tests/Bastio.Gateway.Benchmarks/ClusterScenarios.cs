using System.Diagnostics;
using System.Net;
using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Crds;
using Bastio.Gateway.Hosting;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Configuration;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;
using Bastio.Kubernetes.TestCluster;
using Bastio.Operator.Naming;
using Bastio.StubUpstream;

namespace Bastio.Gateway.Benchmarks;

/// <summary>
/// Scenarios measured against the in-process test cluster with many keys loaded: cold start, memory
/// per loaded key, and revocation propagation (API-server write accepted → first 401). Objects are
/// written in the operator's layout (see <see cref="WellKnown"/>).
/// </summary>
internal static class ClusterScenarios
{
    private const string Namespace = "bench";
    private const string SystemNamespace = "bastio-system";
    private const int Revocations = 100;

    public static async Task RunAsync(int keyCount)
    {
        var clusterOptions = new TestClusterOptions { CrdDirectory = Path.Combine(RepositoryRoot(), "crds"), WatchHistorySize = keyCount * 4 };
        clusterOptions.Namespaces.Add(Namespace);
        clusterOptions.Namespaces.Add(SystemNamespace);
        await using var cluster = await TestClusterServer.StartAsync(clusterOptions);
        using var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfigYaml(cluster.KubeconfigYaml), new KubernetesClientOptions { Qps = 1_000_000, Burst = 1_000_000 });
        await using var stub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions { MaxRecordedRequests = 100 });
        var keys = await LoadAsync(client, stub, keyCount);

        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-bench-{Guid.NewGuid():N}.yaml");
        await cluster.WriteKubeconfigAsync(kubeconfig);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        await using var gateway = await GatewayHost.StartAsync(new GatewayOptions
        {
            Kubeconfig = kubeconfig,
            SystemNamespace = SystemNamespace,
            Address = "127.0.0.1",
            Port = 0,
            AdminPort = 0,
            AccessLogOutput = TextWriter.Null,
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        });
        await gateway.WaitUntilReadyAsync();
        var coldStart = Stopwatch.GetElapsedTime(started);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        File.Delete(kubeconfig);

        using var http = new HttpClient { BaseAddress = gateway.Url };
        var propagation = await MeasureRevocationsAsync(client, http, keys);

        Console.WriteLine();
        Console.WriteLine($"Gateway cluster scenarios — {Environment.ProcessorCount} cores, {keyCount:N0} keys loaded");
        Console.WriteLine("| figure | value | goal |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| cold start to first synced snapshot | {coldStart.TotalMilliseconds:N0} ms | — |");
        Console.WriteLine($"| memory per loaded key (informer caches + snapshot) | {(memoryAfter - memoryBefore) / (double)keyCount:N0} B | ≤ 1,024 B |");
        Console.WriteLine($"| revocation propagation p50 ({Revocations} revocations) | {Percentile(propagation, 0.50):N1} ms | — |");
        Console.WriteLine($"| revocation propagation p99 | {Percentile(propagation, 0.99):N1} ms | ≤ 1,000 ms |");
    }

    private static async Task<List<(string Name, string Key)>> LoadAsync(KubernetesClient client, StubUpstreamServer stub, int keyCount)
    {
        var apiKeys = client.Resource(BastioResources.ApiKeys, BastioJsonContext.Default.ApiKey, BastioJsonContext.Default.KubernetesListApiKey);
        var secrets = client.Resource(ResourceType.Secrets, KubernetesJsonContext.Default.Secret, KubernetesJsonContext.Default.KubernetesListSecret);
        var ring = EncryptionKeyRing.CreateNew();
        await secrets.CreateAsync(new Secret { Metadata = new ObjectMeta { Name = WellKnown.EncryptionKeySecret.Name, Namespace = SystemNamespace }, Data = ring.ToSecretData() });
        await client.Resource(BastioResources.Proxies, BastioJsonContext.Default.Proxy, BastioJsonContext.Default.KubernetesListProxy).CreateAsync(new Proxy
        {
            Metadata = new ObjectMeta { Name = "openai", Namespace = Namespace },
            Spec = new ProxySpec { Provider = "openai", Upstream = stub.BaseUrl.ToString() },
        });

        var keys = new (string, string)[keyCount];
        await Parallel.ForAsync(0, keyCount, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var name = $"key-{i:D5}";
            var apiKey = await apiKeys.CreateAsync(new ApiKey { Metadata = new ObjectMeta { Name = name, Namespace = Namespace }, Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" } } }, cancellationToken: ct);
            var keyId = ClientKey.NewKeyId();
            var key = ClientKey.Generate(KeyEnvironment.Live, keyId);
            var binding = new CiphertextBinding("ApiKey", Namespace, name, apiKey.Metadata.Uid!);
            await secrets.CreateAsync(new Secret
            {
                Metadata = new ObjectMeta
                {
                    Name = ManagedObjectNames.VerifierSecret(Namespace, name),
                    Namespace = SystemNamespace,
                    Labels = new()
                    {
                        [WellKnown.Labels.ManagedBy] = WellKnown.Labels.ManagedByValue,
                        [WellKnown.Labels.Component] = WellKnown.Components.ApiKeyVerifier,
                        [WellKnown.Labels.SourceKind] = "ApiKey",
                        [WellKnown.Labels.SourceNamespace] = Namespace,
                        [WellKnown.Labels.SourceName] = name,
                        [WellKnown.Labels.SourceUid] = apiKey.Metadata.Uid!,
                        [WellKnown.Labels.KeyId] = keyId,
                    },
                },
                Data = new()
                {
                    [WellKnown.VerifierSecret.KeyId] = Encoding.UTF8.GetBytes(keyId),
                    [WellKnown.VerifierSecret.Current] = Encoding.UTF8.GetBytes(ring.Encrypt(ClientKeyVerifier.Compute(key), binding)),
                },
            }, cancellationToken: ct);
            keys[i] = (name, key);
        });
        return [.. keys];
    }

    private static async Task<List<double>> MeasureRevocationsAsync(KubernetesClient client, HttpClient http, List<(string Name, string Key)> keys)
    {
        var apiKeys = client.Resource(BastioResources.ApiKeys, BastioJsonContext.Default.ApiKey, BastioJsonContext.Default.KubernetesListApiKey);
        var samples = new List<double>();
        foreach (var (name, key) in keys.OrderBy(_ => Random.Shared.Next()).Take(Revocations))
        {
            await apiKeys.PatchAsync(Namespace, name, PatchType.Merge, """{"spec":{"revoked":true}}""");
            var accepted = Stopwatch.GetTimestamp();
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    break;
                }

                if (Stopwatch.GetElapsedTime(accepted) > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"{name} was still accepted 30 s after its revocation.");
                }
            }

            samples.Add(Stopwatch.GetElapsedTime(accepted).TotalMilliseconds);
        }

        return samples;
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Bastio.K8s.sln not found.");
    }
}
