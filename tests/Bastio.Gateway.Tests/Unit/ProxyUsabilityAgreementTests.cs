using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Crds.Validation;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.RateLimiting;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.Proxies;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Gateway.Tests.Unit;

/// <summary>
/// Whether a Proxy is usable is decided once (<see cref="ProxyValidation"/>); this one table is fed to that
/// rule, to the operator's Ready condition and to the gateway's snapshot, so the three can never disagree
/// again (an operator reporting a Proxy Ready that the gateway drops, or the other way round).
/// </summary>
public sealed class ProxyUsabilityAgreementTests
{
    private const string Password = "s3cret-pa55";

    /// <summary>A spec (as a change to a valid one) and the reason it is refused with; null when usable.</summary>
    public static TheoryData<string, Action<ProxySpec>, string?> Specs => new()
    {
        { "a plain base URL", _ => { }, null },
        { "a trailing slash", s => s.Upstream = "https://api.openai.com/v1/", null },
        { "http, another provider, environment and a timeout", s => (s.Upstream, s.Provider, s.Environment, s.Timeout) = ("http://llm.example.com", Providers.OpenAICompatible, ProxyEnvironments.Staging, "300s"), null },
        { "a port and an escaped path", s => s.Upstream = "https://llm.example.com:8443/openai%20v1", null },
        { "a query string", s => s.Upstream = "https://api.openai.com/v1?x=1", ProxyValidation.InvalidUpstream },
        { "an empty query string", s => s.Upstream = "https://api.openai.com/v1?", ProxyValidation.InvalidUpstream },
        { "user information", s => s.Upstream = $"https://user:{Password}@api.openai.com/v1", ProxyValidation.InvalidUpstream },
        { "a user name only", s => s.Upstream = "https://user@api.openai.com/v1", ProxyValidation.InvalidUpstream },
        { "a fragment", s => s.Upstream = "https://api.openai.com/v1#models", ProxyValidation.InvalidUpstream },
        { "an empty fragment", s => s.Upstream = "https://api.openai.com/v1#", ProxyValidation.InvalidUpstream },
        { "another scheme", s => s.Upstream = "ftp://api.openai.com/v1", ProxyValidation.InvalidUpstream },
        { "a relative URL", s => s.Upstream = "/v1", ProxyValidation.InvalidUpstream },
        { "not a URL, with a password in it", s => s.Upstream = $"user:{Password}@api.openai.com", ProxyValidation.InvalidUpstream },
        { "an empty upstream", s => s.Upstream = "", ProxyValidation.InvalidUpstream },
        { "an unknown provider", s => s.Provider = "OpenAI", ProxyValidation.InvalidProvider },
        { "an unknown environment", s => s.Environment = "prod", ProxyValidation.InvalidEnvironment },
        { "a timeout that is not a duration", s => s.Timeout = "soon", ProxyValidation.InvalidTimeout },
        { "a zero timeout", s => s.Timeout = "0s", ProxyValidation.InvalidTimeout },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void The_rule_the_operator_and_the_gateway_agree(string because, Action<ProxySpec> change, string? refusedWith)
    {
        var proxy = Proxy(change);

        var rule = ProxyValidation.Validate(proxy.Spec);
        var (ready, reason, message) = ProxyReconciler.Readiness(proxy, [UsableProviderKey()], UpstreamAddressPolicy.PublicOnly);
        var served = new SnapshotBuilder(new BucketStore(TimeProvider.System), NullLogger<SnapshotBuilder>.Instance)
            .Build(new ConfigurationObjects([], [proxy], [], []))
            .Proxies.Any(entry => entry.Name == proxy.Metadata.Name);

        rule.Problem?.Reason.Should().Be(refusedWith, because);
        (rule.Valid is not null).Should().Be(refusedWith is null, because);
        ready.Should().Be(refusedWith is null, because);
        reason.Should().Be(refusedWith ?? ProxyConditions.Ready, because);
        served.Should().Be(refusedWith is null, because);
        message.Should().NotContain(Password, "a password in the URL must not reach status");
    }

    private static Proxy Proxy(Action<ProxySpec> change)
    {
        var spec = new ProxySpec { Provider = Providers.OpenAI, Upstream = "https://api.openai.com/v1" };
        change(spec);
        return new Proxy
        {
            Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = "team-a", Uid = "uid-openai", ResourceVersion = "1", Generation = 1 },
            Spec = spec,
        };
    }

    private static ProviderKey UsableProviderKey()
    {
        var status = new ProviderKeyStatus { Phase = ProviderKeyPhases.Active };
        Conditions.Set(status, ProviderKeyConditions.Ready, Conditions.True, "Ready", "Usable.", 1, DateTimeOffset.UnixEpoch);
        return new ProviderKey
        {
            Metadata = new V1ObjectMeta { Name = "primary", NamespaceProperty = "team-a" },
            Spec = new ProviderKeySpec { ProxyRef = new() { Name = "openai" } },
            Status = status,
        };
    }
}
