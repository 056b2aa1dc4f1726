using System.Net;
using Bastio.Kubernetes.Client;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class TokenTests : IDisposable
{
    private const string ConfigMapJson = """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"m"}}""";
    private const string UnauthorizedJson = """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""";

    private readonly string _directory = Directory.CreateTempSubdirectory("bastio-token-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_401_rereads_the_token_file_and_retries_once_with_the_new_token()
    {
        var tokenFile = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(tokenFile, "old-token\n");
        var handler = new StubHandler((request, _) => request.Authorization == "Bearer new-token"
            ? StubHandler.Json(HttpStatusCode.OK, ConfigMapJson)
            : StubHandler.Json(HttpStatusCode.Unauthorized, UnauthorizedJson));
        using var client = StubClient.Create(handler, token: null, tokenFile: tokenFile);

        await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<UnauthorizedException>();
        await File.WriteAllTextAsync(tokenFile, "new-token");
        await client.ConfigMaps().CreateAsync(new() { Metadata = new() { Name = "m", Namespace = "default" } });

        handler.Requests.Select(r => r.Authorization).Should().Equal(
            "Bearer old-token", "Bearer old-token", "Bearer old-token", "Bearer new-token");
    }

    [Fact]
    public async Task A_401_with_a_fixed_token_is_not_retried()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.Unauthorized, UnauthorizedJson));
        using var client = StubClient.Create(handler, token: "fixed");

        await client.Invoking(c => c.ConfigMaps().GetAsync("default", "m")).Should().ThrowAsync<UnauthorizedException>();
        handler.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task The_token_file_is_reread_once_the_refresh_interval_has_passed()
    {
        var tokenFile = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(tokenFile, "first");
        var time = new ManualTimeProvider();
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, ConfigMapJson));
        using var client = StubClient.Create(handler, time, new KubernetesClientOptions { Qps = 0, RequestTimeout = Timeout.InfiniteTimeSpan }, token: null, tokenFile: tokenFile);

        await client.ConfigMaps().GetAsync("default", "m");
        await File.WriteAllTextAsync(tokenFile, "second");
        time.Advance(TimeSpan.FromSeconds(59));
        await client.ConfigMaps().GetAsync("default", "m");
        time.Advance(TimeSpan.FromSeconds(1));
        await client.ConfigMaps().GetAsync("default", "m");

        handler.Requests.Select(r => r.Authorization).Should().Equal("Bearer first", "Bearer first", "Bearer second");
    }

    [Fact]
    public async Task A_token_file_that_vanishes_keeps_the_last_good_token()
    {
        var tokenFile = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(tokenFile, "still-valid");
        var time = new ManualTimeProvider();
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, ConfigMapJson));
        using var client = StubClient.Create(handler, time, new KubernetesClientOptions { Qps = 0, RequestTimeout = Timeout.InfiniteTimeSpan }, token: null, tokenFile: tokenFile);

        await client.ConfigMaps().GetAsync("default", "m");
        File.Delete(tokenFile);
        time.Advance(TimeSpan.FromMinutes(2));
        await client.ConfigMaps().GetAsync("default", "m");

        handler.Requests.Select(r => r.Authorization).Should().Equal("Bearer still-valid", "Bearer still-valid");
    }

    [Fact]
    public async Task No_credentials_are_sent_over_plain_http()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, ConfigMapJson));
        using var client = StubClient.Create(handler, token: "secret-token", server: "http://127.0.0.1:8080");

        await client.ConfigMaps().GetAsync("default", "m");

        handler.Requests.Single().Authorization.Should().BeNull();
    }
}
