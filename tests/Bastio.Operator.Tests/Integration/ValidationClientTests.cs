using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using k8s.Models;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// The operator's provider validation (<c>GET {upstream}/models</c> with the provider key) cannot be
/// steered by the upstream a tenant names: it crosses TLS to the upstream's own name, follows no
/// redirect, keeps no cookie, connects only where the address policy allows, and reports HTTP statuses,
/// never the cluster's network layout.
/// </summary>
public sealed class ValidationClientTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;
    private const string GoodKey = "sk-test-good-0123456789";

    [Fact]
    public async Task Validation_crosses_TLS_with_the_upstreams_own_host_and_server_name()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");

        await WaitForValidatedReasonAsync(env, "primary", "Valid");

        var seen = provider.Requests.Should().ContainSingle().Subject;
        seen.Path.Should().Be("/v1/models");
        seen.Host.Should().Be($"localhost:{provider.Upstream.Port}", "the upstream's own host, as a real provider's virtual hosting needs");
        seen.ServerName.Should().Be("localhost", "TLS SNI names the upstream, so its certificate is checked against that name");
    }

    [Fact]
    public async Task A_redirect_to_another_origin_is_reported_and_the_key_is_not_sent_there()
    {
        await using var elsewhere = await StubProvider.StartAsync(GoodKey);
        await using var provider = await StubProvider.StartAsync(GoodKey);
        provider.Respond = _ => Results.Redirect(elsewhere.Upstream + "/models");
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");

        var redirected = await WaitForValidatedReasonAsync(env, "primary", "ProviderRedirected");

        var validated = Conditions.Find(redirected.Status!.Conditions, "Validated")!;
        validated.Status.Should().Be("Unknown");
        validated.Message.Should().Contain("HTTP 302").And.Contain("redirect");
        provider.Requests.Should().ContainSingle();
        elsewhere.Requests.Should().BeEmpty("the key must never reach the origin a redirect points to");
        await AssertNoNetworkLayoutAsync(env, provider, elsewhere);
    }

    [Fact]
    public async Task A_cookie_set_during_one_check_is_never_sent_with_another()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        provider.Respond = context =>
        {
            context.Response.Headers.SetCookie = "session=first-tenant-session; Path=/";
            return null;
        };
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "first-creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "first", "first-creds");
        await WaitForValidatedReasonAsync(env, "first", "Valid");

        await env.CreateProxyAsync(name: "second", upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "second-creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "second", "second-creds", s => s.ProxyRef.Name = "second");
        await WaitForValidatedReasonAsync(env, "second", "Valid");

        provider.Requests.Should().HaveCount(2);
        provider.Requests.Should().OnlyContain(r => r.Cookie == "", "the validation client keeps no cookie jar");
    }

    [Fact]
    public async Task A_loopback_upstream_is_refused_without_an_allowance_and_nothing_is_sent()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o =>
        {
            o.ValidationTimeout = TimeSpan.FromSeconds(5);
            o.UpstreamAddresses = UpstreamAddressPolicy.PublicOnly;
        });

        // A name (localhost) is judged on the addresses it resolves to, by validation at connect time.
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");

        var refused = await WaitForValidatedReasonAsync(env, "primary", "UpstreamNotAllowed");
        Conditions.Find(refused.Status!.Conditions, "Validated")!.Status.Should().Be("False");
        Conditions.Find(refused.Status.Conditions, "Ready").Should().Match<V1Condition>(c => c.Status == "False" && c.Reason == "UpstreamNotAllowed");
        var proxy = await Eventually.UntilAsync(async () => await env.Api.Proxies.GetAsync(Ns, "openai") is { } p && Conditions.Find(p.Status?.Conditions, "Ready")?.Reason == "UpstreamNotAllowed" ? p : null, "the Proxy reports UpstreamNotAllowed");
        Conditions.Find(proxy.Status!.Conditions, "Ready")!.Status.Should().Be("False");

        // An IP literal is refused at once, before any key exists.
        await env.CreateProxyAsync(name: "metadata", upstream: "http://169.254.169.254/v1");
        await Eventually.UntilAsync(async () => Conditions.Find((await env.Api.Proxies.GetAsync(Ns, "metadata")).Status?.Conditions, "Ready")?.Reason == "UpstreamNotAllowed", "the link-local Proxy reports UpstreamNotAllowed");

        provider.Requests.Should().BeEmpty("a refused address is never connected to");
        await AssertNoNetworkLayoutAsync(env, provider);
    }

    [Fact]
    public async Task Pointing_the_Proxy_at_an_allowed_address_validates_again_at_once()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));

        // IPv6 loopback is not in the tests' allowance (127.0.0.1/32 only).
        var refusedUpstream = $"https://[::1]:{provider.Upstream.Port}/v1";
        await env.CreateProxyAsync(upstream: refusedUpstream);
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");
        await WaitForValidatedReasonAsync(env, "primary", "UpstreamNotAllowed");
        await Eventually.UntilAsync(async () => Conditions.Find((await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.Conditions, "Ready")?.Reason == "UpstreamNotAllowed", "the Proxy reports UpstreamNotAllowed");

        var proxy = await env.Api.Proxies.GetAsync(Ns, "openai");
        proxy.Spec.Upstream = provider.Upstream.ToString();
        await env.Api.Proxies.ReplaceAsync(proxy);

        // Well before the 5-minute retry of an inconclusive check: the result for the old upstream is not kept.
        var valid = await WaitForValidatedReasonAsync(env, "primary", "Valid");
        valid.Status!.ValidatedUpstream.Should().Be(provider.Upstream.ToString());
        await Eventually.UntilAsync(async () => Conditions.IsTrue((await env.Api.Proxies.GetAsync(Ns, "openai")).Status?.Conditions, "Ready"), "the Proxy is Ready");
        provider.Requests.Should().ContainSingle().Which.Host.Should().Be($"localhost:{provider.Upstream.Port}");
    }

    [Fact]
    public async Task An_unreachable_provider_is_reported_without_addresses_or_ports()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: "https://localhost:9/v1");
        await ProviderKeyTests.CreateSourceAsync(env, "creds", GoodKey);
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "creds");

        var unreachable = await WaitForValidatedReasonAsync(env, "primary", "ProviderUnreachable");

        var message = Conditions.Find(unreachable.Status!.Conditions, "Validated")!.Message;
        message.Should().NotContain("127.0.0.1").And.NotContain("::1").And.NotContain(":9").And.NotContain("refused", "the socket error's text is the network's, not the tenant's");
    }

    private static Task<ProviderKey> WaitForValidatedReasonAsync(OperatorTestEnvironment env, string name, string reason) =>
        ProviderKeyTests.WaitForProviderKeyAsync(env, name, p => Conditions.Find(p.Status?.Conditions, "Validated")?.Reason == reason, $"is validated with reason {reason}");

    /// <summary>No condition or Event names a resolved address or a stub's port.</summary>
    private static async Task AssertNoNetworkLayoutAsync(OperatorTestEnvironment env, params StubProvider[] stubs)
    {
        var messages = (await env.Api.ProviderKeys.ListAllAsync(Ns)).Items.SelectMany(p => p.Status?.Conditions ?? []).Select(c => c.Message)
            .Concat((await env.Api.Proxies.ListAllAsync(Ns)).Items.SelectMany(p => p.Status?.Conditions ?? []).Select(c => c.Message))
            .Concat((await env.EventsAsync()).Select(e => e.Note))
            .OfType<string>()
            .ToList();
        messages.Should().NotBeEmpty();
        foreach (var message in messages)
        {
            message.Should().NotContain("127.0.0.1").And.NotContain("::1");
            foreach (var stub in stubs)
            {
                message.Should().NotContain(":" + stub.Upstream.Port);
            }
        }
    }
}
