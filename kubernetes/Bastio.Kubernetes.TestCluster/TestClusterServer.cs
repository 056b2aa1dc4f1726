using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Api;
using Bastio.Kubernetes.TestCluster.Resources;
using Bastio.Kubernetes.TestCluster.Security;
using Bastio.Kubernetes.TestCluster.Serialization;
using Bastio.Kubernetes.TestCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bastio.Kubernetes.TestCluster;

/// <summary>
/// An in-process, in-memory Kubernetes API server on real HTTPS: kubectl, our client, the operator
/// and the gateway talk to it exactly as to a cluster.
/// </summary>
public sealed class TestClusterServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ClusterCertificates _certificates;
    private readonly ResourceEndpoints _resources;

    private TestClusterServer(WebApplication app, ClusterCertificates certificates, ResourceEndpoints resources, FaultInjector faults, string token, Uri url)
    {
        _app = app;
        _certificates = certificates;
        _resources = resources;
        Faults = faults;
        Token = token;
        Url = url;
        CertificateAuthorityPem = certificates.AuthorityPem;
        KubeconfigYaml = BuildKubeconfig(url, CertificateAuthorityPem, token);
    }

    /// <summary><c>https://127.0.0.1:&lt;port&gt;</c>.</summary>
    public Uri Url { get; }

    /// <summary>The bearer token every request must carry; anything else gets 401.</summary>
    public string Token { get; }

    public string CertificateAuthorityPem { get; }

    /// <summary>A kubeconfig with cluster, user and context <c>bastio-test</c> (CA data and token inline).</summary>
    public string KubeconfigYaml { get; }

    public FaultInjector Faults { get; }

    /// <summary>Successful mutating requests so far (dry runs excluded).</summary>
    public long WriteCount => _resources.WriteCount;

    public static async Task<TestClusterServer> StartAsync(TestClusterOptions? options = null, CancellationToken ct = default)
    {
        options ??= new TestClusterOptions();
        var time = options.TimeProvider;
        var registry = new ResourceRegistry();
        var store = new ResourceStore(registry, time, options.WatchHistorySize);
        foreach (var ns in options.Namespaces.Distinct())
        {
            store.EnsureNamespace(ns);
        }

        if (options.CrdDirectory is { } directory)
        {
            await ApplyCrdsAsync(store, directory, ct);
        }

        var faults = new FaultInjector(store);
        var watch = new WatchEndpoint(store, faults, time, options.BookmarkInterval);
        var resources = new ResourceEndpoints(store, faults, time, watch);
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var certificates = ClusterCertificates.Create(time);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.AddConsole().AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificates.Server));
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bastio.Kubernetes.TestCluster");
        var handler = new ApiHandler(registry, resources, faults, time, token, logger);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            certificates.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new TestClusterServer(app, certificates, resources, faults, token, new Uri($"https://127.0.0.1:{port}"));
    }

    public async Task WriteKubeconfigAsync(string path, CancellationToken ct = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, KubeconfigYaml, ct);
        if (!OperatingSystem.IsWindows())
        {
            // It holds the token: readable by its owner only, as kubectl expects.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Faults.DropWatches();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _certificates.Dispose();
    }

    private static async Task ApplyCrdsAsync(ResourceStore store, string directory, CancellationToken ct)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml")).Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(file, ct);
            foreach (var document in YamlJson.ParseDocuments(text).OfType<JsonObject>())
            {
                if ((string?)document["kind"] != "CustomResourceDefinition")
                {
                    continue;
                }

                var crds = BuiltInResources.CustomResourceDefinitions;
                var name = JsonTree.GetString(document["metadata"]?["name"]) ?? "";
                try
                {
                    store.Create(crds, null, document, new WriteContext());
                }
                catch (ApiException e) when (e.Code == 409)
                {
                    store.Update(crds, null, name, document, status: false, new WriteContext());
                }
                catch (ApiException e)
                {
                    throw new InvalidOperationException($"{file}: {e.Message}", e);
                }
            }
        }
    }

    private static string BuildKubeconfig(Uri url, string caPem, string token)
    {
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem));
        var server = url.ToString().TrimEnd('/');
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: bastio-test
              cluster:
                server: {{server}}
                certificate-authority-data: {{caData}}
            users:
            - name: bastio-test
              user:
                token: {{token}}
            contexts:
            - name: bastio-test
              context:
                cluster: bastio-test
                user: bastio-test
                namespace: default
            current-context: bastio-test
            preferences: {}

            """;
    }
}
