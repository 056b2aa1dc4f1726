using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Api;

public sealed class ClusterFaultTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private readonly IKubernetes _client = cluster.Client;

    private static V1ConfigMap Map(string ns, string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns } };

    [Fact]
    public async Task A_throttled_write_surfaces_TooManyRequests_with_Retry_After_and_is_not_retried()
    {
        var ns = await cluster.NewNamespaceAsync();
        var writesBefore = cluster.Server.WriteCount;
        cluster.Server.Faults.FailNextWrites(1, 429, TimeSpan.FromSeconds(3));

        var error = await _client.ConfigMaps().Invoking(m => m.CreateAsync(Map(ns, "m"))).Should().ThrowAsync<TooManyRequestsException>();
        var retried = await _client.ConfigMaps().CreateAsync(Map(ns, "m"));

        retried.Metadata.Name.Should().Be("m");
        cluster.Server.WriteCount.Should().Be(writesBefore + 1, "the throttled write was neither stored nor repeated by the client");
    }

    [Fact]
    public async Task Injected_conflicts_and_server_errors_surface_as_their_types()
    {
        var ns = await cluster.NewNamespaceAsync();
        await _client.ConfigMaps().CreateAsync(Map(ns, "m"));

        cluster.Server.Faults.FailNextWrites(1, 409);
        await _client.ConfigMaps().Invoking(m => m.PatchAsync(ns, "m", PatchType.Merge, "{}")).Should().ThrowAsync<ConflictException>();
        cluster.Server.Faults.FailNextWrites(1, 500);
        await _client.ConfigMaps().Invoking(m => m.PatchAsync(ns, "m", PatchType.Merge, "{}")).Should().ThrowAsync<ServerErrorException>();
        (await _client.ConfigMaps().PatchAsync(ns, "m", PatchType.Merge, """{"data":{"ok":"1"}}""")).Data.Should().ContainKey("ok");
    }

    [Fact]
    public async Task An_unavailable_server_fails_requests_and_recovers()
    {
        var ns = await cluster.NewNamespaceAsync();
        cluster.Server.Faults.Unavailable = true;
        try
        {
            await _client.ConfigMaps().Invoking(m => m.GetAsync(ns, "m")).Should().ThrowAsync<HttpRequestException>();
        }
        finally
        {
            cluster.Server.Faults.Unavailable = false;
        }

        (await _client.ConfigMaps().TryGetAsync(ns, "m")).Should().BeNull();
    }
}
