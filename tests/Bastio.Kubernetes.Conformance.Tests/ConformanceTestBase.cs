using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Autorest;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>
/// Each test class gets its own test cluster with the product's CRDs, and an official client built
/// the way a user's would be: from the kubeconfig the cluster writes (CA data and bearer token inline).
/// </summary>
public abstract class ConformanceTestBase : IAsyncLifetime
{
    protected const string Ns = "default";

    private readonly string _kubeconfigDirectory = Directory.CreateTempSubdirectory("bastio-conformance-").FullName;

    internal TestClusterServer Cluster { get; private set; } = null!;

    protected k8s.Kubernetes Client { get; private set; } = null!;

    protected KubernetesClientConfiguration Config { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions { CrdDirectory = Path.Combine(RepositoryRoot(), "crds") };
        Configure(options);
        Cluster = await TestClusterServer.StartAsync(options);
        var kubeconfig = Path.Combine(_kubeconfigDirectory, "config");
        await Cluster.WriteKubeconfigAsync(kubeconfig);
        Config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        Client = new k8s.Kubernetes(Config);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Cluster.DisposeAsync();
        Directory.Delete(_kubeconfigDirectory, recursive: true);
    }

    /// <summary>Adjusts the cluster's options before it starts.</summary>
    protected virtual void Configure(TestClusterOptions options)
    {
    }

    /// <summary>The Status a failed call carried, asserting the HTTP code.</summary>
    protected static async Task<V1Status> FailsWithAsync(HttpStatusCode code, Func<Task> call)
    {
        var failure = await call.Should().ThrowAsync<HttpOperationException>();
        var response = failure.Which.Response;
        response.StatusCode.Should().Be(code, response.Content);
        return KubernetesJson.Deserialize<V1Status>(response.Content);
    }

    /// <summary>An entry's fieldsV1 as compact JSON with quotes written plainly, to compare with upstream's shape.</summary>
    protected static string FieldsV1(V1ManagedFieldsEntry entry) =>
        JsonSerializer.Serialize(JsonNode.Parse(KubernetesJson.Serialize(entry.FieldsV1)), PlainJson);

    private static readonly JsonSerializerOptions PlainJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Bastio.K8s.sln not found above the test assembly");
    }
}
