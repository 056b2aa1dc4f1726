namespace Bastio.Kubernetes.TestCluster.Tests;

/// <summary>Each test class gets its own cluster (with the Widget CRD) and client.</summary>
public abstract class ClusterTestBase : IAsyncLifetime
{
    internal TestClusterServer Server { get; private set; } = null!;
    internal ClusterClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await Samples.StartWithWidgetsAsync(Options());
        Client = new ClusterClient(Server);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    internal virtual TestClusterOptions Options() => new();
}
