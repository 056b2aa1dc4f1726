using System.Net;
using System.Net.Http.Headers;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Api;

public sealed class ReadRetryTests
{
    private const string ConfigMapJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m","namespace":"default","resourceVersion":"5"}}""";

    private static HttpResponseMessage Throttled(TimeSpan? retryAfter, int code = 429)
    {
        var response = StubHandler.Json((HttpStatusCode)code, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"TooManyRequests","code":{{code}}}""");
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(delay);
        }

        return response;
    }

    [Fact]
    public async Task A_throttled_read_waits_the_Retry_After_and_succeeds()
    {
        var time = new ManualTimeProvider();
        var handler = new StubHandler((_, n) => n == 1 ? Throttled(TimeSpan.FromSeconds(3)) : StubHandler.Json(HttpStatusCode.OK, ConfigMapJson));
        using var client = StubClient.Create(handler, time, new KubernetesClientOptions { Qps = 0 });

        var get = client.ConfigMaps().GetAsync("default", "m");
        await time.WaitForTimersAsync();
        time.Advance(TimeSpan.FromSeconds(2.9));
        handler.Requests.Should().HaveCount(1);
        time.Advance(TimeSpan.FromSeconds(0.1));

        (await get.WaitAsync(TimeSpan.FromSeconds(10))).Metadata.ResourceVersion.Should().Be("5");
        handler.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_server_error_with_Retry_After_is_retried_for_reads()
    {
        var handler = new StubHandler((_, n) => n == 1 ? Throttled(TimeSpan.Zero, 503) : StubHandler.Json(HttpStatusCode.OK, ConfigMapJson));
        using var client = StubClient.Create(handler);

        await client.ConfigMaps().GetAsync("default", "m");

        handler.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_server_error_without_Retry_After_is_not_retried()
    {
        var handler = new StubHandler((_, _) => Throttled(null, 500));
        using var client = StubClient.Create(handler);

        await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<ServerErrorException>();
        handler.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Reads_give_up_after_MaxReadRetries()
    {
        var handler = new StubHandler((_, _) => Throttled(TimeSpan.Zero));
        using var client = StubClient.Create(handler, options: new KubernetesClientOptions { Qps = 0, MaxReadRetries = 2 });

        await client.Invoking(c => c.ConfigMaps().ListAsync("default")).Should().ThrowAsync<TooManyRequestsException>();
        handler.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Writes_are_never_retried()
    {
        var handler = new StubHandler((_, _) => Throttled(TimeSpan.Zero));
        using var client = StubClient.Create(handler);

        await client.Invoking(c => c.ConfigMaps().PatchAsync("default", "m", PatchType.Merge, "{}")).Should().ThrowAsync<TooManyRequestsException>();
        await client.Invoking(c => c.ConfigMaps().DeleteAsync("default", "m")).Should().ThrowAsync<TooManyRequestsException>();
        handler.Requests.Should().HaveCount(2);
    }
}
