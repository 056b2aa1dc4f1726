using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bastio.Core;
using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Gateway.Hosting;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Kubernetes.TestCluster;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Hosting;
using Bastio.StubUpstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>The metric names a scrape of each component's <c>/metrics</c> showed.</summary>
public sealed record Scrape(IReadOnlySet<string> Series, IReadOnlySet<string> Histograms)
{
    /// <summary>Parses the Prometheus text format or OpenMetrics: series names from samples, histogram families from <c># TYPE</c> lines.</summary>
    public static Scrape Parse(string exposition)
    {
        var series = new HashSet<string>(StringComparer.Ordinal);
        var histograms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var fields = line.Split(' ');
                if (fields is [_, _, var family, "histogram"])
                {
                    histograms.Add(family);
                }
            }
            else if (!line.StartsWith('#'))
            {
                series.Add(line[..line.IndexOfAny(['{', ' '])]);
            }
        }

        return new Scrape(series, histograms);
    }

    /// <summary>
    /// Whether a metric a query reads was exported: as a series, or as a histogram family whose
    /// <c>_bucket</c>, <c>_sum</c> or <c>_count</c> series the query names.
    /// </summary>
    public bool Exports(string metric) =>
        Series.Contains(metric)
        || new[] { "_bucket", "_sum", "_count" }.Any(suffix => metric.EndsWith(suffix, StringComparison.Ordinal) && Histograms.Contains(metric[..^suffix.Length]));

    public static Scrape Merge(params Scrape[] scrapes) => new(
        scrapes.SelectMany(s => s.Series).ToHashSet(StringComparer.Ordinal),
        scrapes.SelectMany(s => s.Histograms).ToHashSet(StringComparer.Ordinal));
}

/// <summary>
/// The test cluster with the CRDs, the operator and the gateway running in-process, and a stub
/// provider; drives the traffic that makes every kind of series appear (a served request, a refused
/// one, a rotation, a validated provider key, a key with an expiry), then scrapes both components.
/// </summary>
public sealed class RunningComponents : IAsyncLifetime
{
    private const string Ns = "team-a";
    private const string SystemNs = "bastio-system";
    private const string ProviderSecret = "sk-scrape-provider-0123456789abcdef";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>What Prometheus sends by default: OpenMetrics first, the text format as a fallback.</summary>
    public const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    public const string TextAccept = "text/plain;version=0.0.4";

    /// <summary>The operator's scrape as Prometheus asks for it (OpenMetrics).</summary>
    public Scrape Operator { get; private set; } = null!;

    /// <summary>The gateway's scrape as Prometheus asks for it (OpenMetrics).</summary>
    public Scrape Gateway { get; private set; } = null!;

    /// <summary>The operator's scrape in the text format, for scrapers that ask for nothing else.</summary>
    public Scrape OperatorText { get; private set; } = null!;

    public Scrape GatewayText { get; private set; } = null!;

    public Scrape Both => Scrape.Merge(Operator, Gateway);

    public async Task InitializeAsync()
    {
        var clusterOptions = new TestClusterOptions { CrdDirectory = Repository.At("crds") };
        clusterOptions.Namespaces.Add(Ns);
        clusterOptions.Namespaces.Add(SystemNs);
        await using var cluster = await TestClusterServer.StartAsync(clusterOptions);
        await using var stub = await StubUpstreamServer.StartAsync(0, new StubUpstreamOptions { ValidApiKeys = new HashSet<string> { ProviderSecret } });
        using var client = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(cluster.KubeconfigYaml));
        var api = new ResourceClients(client);

        // The stub speaks HTTPS with a CA made here; both components trust it and may reach its loopback address only.
        var caFile = Path.Combine(Path.GetTempPath(), $"bastio-chart-scrape-ca-{Guid.NewGuid():N}.pem");
        stub.CertificateAuthority!.WriteCertificatePem(caFile);
        var upstreamTrust = UpstreamTrust.Load(caFile);
        File.Delete(caFile);
        var operatorOptions = new OperatorOptions { SystemNamespace = SystemNs, AdminAddress = "127.0.0.1", AdminPort = 0 };
        operatorOptions.UpstreamAddresses = UpstreamAddressPolicy.Create(["127.0.0.1/32"]);
        operatorOptions.UpstreamTrust = upstreamTrust;
        await using var operatorHost = new OperatorHost(client, operatorOptions, NullLoggerFactory.Instance, TextWriter.Null, meterName: $"Bastio.Operator.Tests.{Guid.NewGuid():N}");
        await operatorHost.StartAsync(CancellationToken.None);

        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bastio-chart-scrape-{Guid.NewGuid():N}.yaml");
        await cluster.WriteKubeconfigAsync(kubeconfig);
        GatewayHost? gateway = null;
        try
        {
            gateway = await GatewayHost.StartAsync(new GatewayOptions
            {
                Kubeconfig = kubeconfig,
                SystemNamespace = SystemNs,
                Address = "127.0.0.1",
                Port = 0,
                AdminPort = 0,
                MinimumLogLevel = LogLevel.Warning,
                UpstreamTrust = upstreamTrust,
                UpstreamAddresses = operatorOptions.UpstreamAddresses,

                // A Redis that is not there: every decision falls back to the in-process store, so the
                // store-failure series are exported next to the rest.
                Redis = "127.0.0.1:1,connectTimeout=200",
                StoreFailure = Bastio.Gateway.Limits.StoreFailureMode.Local,
            }, services => services
                .AddKeyedSingleton(GatewayServiceKeys.AccessLog, TextWriter.Null)
                .AddKeyedSingleton(GatewayServiceKeys.MeterName, $"Bastio.Chart.Tests.{Guid.NewGuid():N}"));
            await DriveTrafficAsync(api, stub, gateway);

            using var scraper = new HttpClient();
            Operator = await ScrapeAsync(scraper, new Uri(operatorHost.AdminUrl!, "/metrics"), PrometheusAccept);
            Gateway = await ScrapeAsync(scraper, new Uri(gateway.AdminUrl, "/metrics"), PrometheusAccept);
            OperatorText = await ScrapeAsync(scraper, new Uri(operatorHost.AdminUrl!, "/metrics"), TextAccept);
            GatewayText = await ScrapeAsync(scraper, new Uri(gateway.AdminUrl, "/metrics"), TextAccept);
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            await operatorHost.StopAsync(CancellationToken.None);
            File.Delete(kubeconfig);
        }
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient scraper, Uri url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await scraper.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var exposition = await response.Content.ReadAsStringAsync();

        // Guards the comparison of the two formats: each scrape must be in the format it stands for.
        var openMetrics = response.Content.Headers.ContentType?.MediaType == "application/openmetrics-text";
        if (openMetrics != (accept == PrometheusAccept) || openMetrics != exposition.EndsWith("\n# EOF\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{url} answered '{response.Content.Headers.ContentType}' to '{accept}'.");
        }

        return Scrape.Parse(exposition);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task DriveTrafficAsync(ResourceClients api, StubUpstreamServer stub, GatewayHost gateway)
    {
        await api.Secrets.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "provider-credentials", NamespaceProperty = Ns, Labels = new Dictionary<string, string>() { [WellKnown.Labels.ProviderKeySource] = WellKnown.Labels.ProviderKeySourceValue } },
            Data = new Dictionary<string, byte[]>() { ["apiKey"] = Encoding.UTF8.GetBytes(ProviderSecret) },
        });
        await api.Proxies.CreateAsync(new Proxy
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "Proxy",
            Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = Ns },
            Spec = new ProxySpec { Provider = "openai", Upstream = stub.BaseUrl.ToString(), Pricing = [new ModelPrice { Model = "*", InputPerMillion = "1", OutputPerMillion = "1" }] },
        });
        await api.ProviderKeys.CreateAsync(new ProviderKey
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "ProviderKey",
            Metadata = new V1ObjectMeta { Name = "primary", NamespaceProperty = Ns },
            Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, SecretRef = new SecretKeyReference { Name = "provider-credentials" } },
        });
        await api.ApiKeys.CreateAsync(new ApiKey
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "ApiKey",
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns },
            Spec = new ApiKeySpec
            {
                ProxyRef = new LocalObjectReference { Name = "openai" },
                Permissions = ["chat"],
                ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds()),

                // The first answer spends it and crosses the threshold the budget alert reads.
                Budget = new Budget { Amount = "0.000001", AlertThresholds = [100] },
            },
        });

        await UntilAsync(async () => (await api.ApiKeys.GetAsync(Ns, "app")).Status?.Phase == "Active", "the ApiKey is Active");
        await UntilAsync(async () => Conditions.IsTrue((await api.ProviderKeys.GetAsync(Ns, "primary")).Status?.Conditions, "Validated"), "the ProviderKey is validated");
        var key = Encoding.UTF8.GetString((await api.Secrets.GetAsync(Ns, "app-key")).Data![WellKnown.DeliverySecret.ApiKey]);

        using var http = new HttpClient { BaseAddress = gateway.Url };
        await UntilAsync(async () => await ChatAsync(http, key) == HttpStatusCode.OK, "the gateway serves the key");
        (await ChatAsync(http, "bastio_live_not-a-real-key")).Should().Be(HttpStatusCode.Unauthorized);

        const string request = "2026-11-22T08:00:00Z";
        await UntilAsync(
            async () =>
            {
                var apiKey = await api.ApiKeys.GetAsync(Ns, "app");
                (apiKey.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.RotateRequestedAtAnnotation] = request;
                try
                {
                    await api.ApiKeys.ReplaceAsync(apiKey);
                    return true;
                }
                catch (ConflictException)
                {
                    return false;
                }
            },
            "the rotation is requested");
        await UntilAsync(async () => (await api.ApiKeys.GetAsync(Ns, "app")).Status?.LastRotationRequest == request, "the rotation is done");
    }

    private static async Task<HttpStatusCode> ChatAsync(HttpClient http, string key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(message);
        return response.StatusCode;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
