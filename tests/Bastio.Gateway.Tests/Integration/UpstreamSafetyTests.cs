using System.Net;
using Bastio.Core.Networking;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>
/// Upstreams the gateway must not reach: internal addresses (unless <c>--upstream-allow-cidrs</c> allows
/// them) and the gateway itself, directly or through something in front of it.
/// </summary>
public sealed class UpstreamSafetyTests
{
    [Fact]
    public async Task By_default_loopback_and_cloud_metadata_upstreams_are_refused_with_upstream_not_allowed_and_receive_nothing()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.UpstreamAddresses = UpstreamAddressPolicy.PublicOnly);
        await env.CreateProxyAsync("stub");
        await env.CreateProxyAsync("metadata", spec => spec.Upstream = "http://169.254.169.254/latest/v1");
        await env.CreateProxyAsync("mapped", spec => spec.Upstream = $"https://[::ffff:127.0.0.1]:{env.Stub.Port}/v1");
        var (_, stubKey) = await env.CreateApiKeyAsync("stub-app", "stub");
        var (_, metadataKey) = await env.CreateApiKeyAsync("metadata-app", "metadata");
        var (_, mappedKey) = await env.CreateApiKeyAsync("mapped-app", "mapped");

        foreach (var key in new[] { stubKey, metadataKey, mappedKey })
        {
            using var response = await env.ChatAsync(key);

            response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
            var error = await GatewayTestEnvironment.ErrorOf(response);
            error.GetProperty("code").GetString().Should().Be("upstream_not_allowed");
            error.GetProperty("type").GetString().Should().Be("api_error");
        }

        env.Stub.Requests.Should().BeEmpty("the address is refused before a connection is made");
        await Eventually.UntilAsync(() => env.AccessLog.Lines().Length >= 3, "the access log has every request");
        env.AccessLog.Lines().Should().OnlyContain(line => line.Contains("\"upstream_not_allowed\""));
    }

    [Fact]
    public async Task A_loopback_address_allowed_by_upstream_allow_cidrs_is_reached_and_its_neighbours_are_not()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.UpstreamAddresses = UpstreamAddressPolicy.Create(["127.0.0.1/32"]));
        await env.CreateProxyAsync("stub");
        await env.CreateProxyAsync("neighbour", spec => spec.Upstream = $"http://127.0.0.2:{env.Stub.Port}/v1");
        var (_, stubKey) = await env.CreateApiKeyAsync("stub-app", "stub");
        var (_, neighbourKey) = await env.CreateApiKeyAsync("neighbour-app", "neighbour");

        using var allowed = await env.ChatAsync(stubKey);
        using var refused = await env.ChatAsync(neighbourKey);

        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await GatewayTestEnvironment.ErrorOf(refused)).GetProperty("code").GetString().Should().Be("upstream_not_allowed");
        env.Stub.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_proxy_pointing_at_the_gateways_own_listener_is_refused_before_anything_is_sent(bool admin)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var target = admin ? env.Gateway.AdminUrl : env.Gateway.Url;
        await env.CreateProxyAsync("self", spec => spec.Upstream = $"http://localhost:{target.Port}/v1");
        var (_, key) = await env.CreateApiKeyAsync("app", "self");

        using var response = await env.ChatAsync(key);

        response.StatusCode.Should().Be((HttpStatusCode)508);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("loop_detected");
        await Eventually.UntilAsync(() => env.AccessLog.Lines().Length >= 1, "the access log has the request");
        env.AccessLog.Lines().Should().ContainSingle("the gateway received the client's request and nothing else");
    }

    [Fact]
    public async Task A_loop_through_something_in_front_of_the_gateway_costs_one_extra_request()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, env.Gateway.Url.Port));
        await env.CreateProxyAsync("looped", spec => spec.Upstream = $"http://127.0.0.1:{relay.Port}/v1", withProviderKey: false);
        var (_, key) = await env.CreateApiKeyAsync("app", "looped");

        // The worst case: the provider key is a key of the same Proxy, so the forwarded request is
        // authorized again and only the gateway's mark stops it.
        await env.CreateProviderKeyAsync("looped-pk", "looped", key);
        await Eventually.UntilAsync(() => env.Gateway.Snapshots.Current?.Proxies.Any(proxy => proxy.Name == "looped" && proxy.ProviderKeys.Count == 1) == true, "the provider key is served");
        using var http = new HttpClient { BaseAddress = env.Gateway.Url, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be((HttpStatusCode)508);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("loop_detected");
        await Eventually.UntilAsync(() => env.AccessLog.Lines().Length >= 2, "the access log has both requests");
        env.AccessLog.Lines().Should().HaveCount(2, "the client's request and its one forwarded copy");
        relay.Connections.Should().Be(1);
        env.Stub.Requests.Should().BeEmpty();
    }
}
