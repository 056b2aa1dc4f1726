using Bastio.Crds;
using Bastio.Crds.Validation;
using k8s;
using k8s.Models;

namespace Bastio.Crds.Tests.Validation;

public sealed class ApiKeyValidationTests
{
    private static readonly Proxy Proxy = new()
    {
        Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = "team-a" },
        Spec = new ProxySpec { Provider = "openai", Upstream = "https://api.openai.com/v1", Plans = new() { ["free"] = new RateLimit { Requests = 60 } } },
    };

    [Theory]
    [InlineData("permissions", "spec.permissions has an unknown permission 'root'")]
    [InlineData("ip", "spec.ipAllowList entry '10.0.0.0/33' is not an IP address or CIDR")]
    [InlineData("cron", "spec.rotation.schedule 'every day'")]
    [InlineData("grace", "spec.rotation.gracePeriod '1d'")]
    [InlineData("plan", "has no plan 'gold'")]
    [InlineData("both", "spec.plan and spec.rateLimit are exclusive")]
    public void Semantic_problems_name_the_field_and_value(string problem, string expected)
    {
        var spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" } };
        switch (problem)
        {
            case "permissions": spec.Permissions = ["chat", "root"]; break;
            case "ip": spec.IpAllowList = ["10.0.0.1", "10.0.0.0/33"]; break;
            case "cron": spec.Rotation = new RotationSpec { Schedule = "every day" }; break;
            case "grace": spec.Rotation = new RotationSpec { Schedule = "0 3 * * *", GracePeriod = "1d" }; break;
            case "plan": spec.Plan = "gold"; break;
            case "both": spec.Plan = "free"; spec.RateLimit = new RateLimit { Requests = 1 }; break;
        }

        var result = ApiKeyValidation.Validate(new ApiKey { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a" }, Spec = spec }, Proxy);

        result.Should().NotBeNull();
        result!.Message.Should().Contain(expected);
    }

    [Fact]
    public void Valid_spec_with_ipv6_and_plan_passes()
    {
        var spec = new ApiKeySpec
        {
            ProxyRef = new LocalObjectReference { Name = "openai" },
            Permissions = ["chat", "models"],
            IpAllowList = ["2001:db8::/32", "203.0.113.7"],
            Plan = "free",
            Rotation = new RotationSpec { Schedule = "0 3 * * 1", GracePeriod = "0s" },
        };
        ApiKeyValidation.Validate(new ApiKey { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a" }, Spec = spec }, Proxy).Should().BeNull();
    }

    [Fact]
    public void Missing_proxy_is_reported_by_name()
    {
        var apiKey = new ApiKey { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a" }, Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "nope" } } };
        ApiKeyValidation.Validate(apiKey, null)!.Reason.Should().Be(ApiKeyValidation.ProxyNotFound);
    }

    [Theory]
    [InlineData("https://api.openai.com/v1?x=1")]
    [InlineData("https://user:s3cret-pass@api.openai.com/v1")]
    [InlineData("https://api.openai.com/v1#frag")]
    [InlineData("not a url")]
    public void A_key_on_a_proxy_the_gateway_will_not_serve_is_invalid_with_the_proxys_reason(string upstream)
    {
        var proxy = new Proxy { Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = "team-a" }, Spec = new ProxySpec { Provider = "openai", Upstream = upstream } };
        var apiKey = new ApiKey { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a" }, Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" } } };

        var problem = ApiKeyValidation.Validate(apiKey, proxy);

        problem.Should().NotBeNull();
        problem!.Reason.Should().Be(ApiKeyValidation.ProxyInvalid);
        problem.Message.Should().Contain(ProxyValidation.InvalidUpstream).And.NotContain("s3cret");
        ProxyValidation.Validate(proxy.Spec).Problem!.Reason.Should().Be(ProxyValidation.InvalidUpstream, "the ApiKey repeats the Proxy's own verdict");
    }
}
