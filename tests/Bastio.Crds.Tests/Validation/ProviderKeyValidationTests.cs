using Bastio.Crds;
using Bastio.Crds.Validation;
using k8s.Models;

namespace Bastio.Crds.Tests.Validation;

public sealed class ProviderKeyValidationTests
{
    private static readonly Proxy Proxy = new()
    {
        Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = "team-a" },
        Spec = new ProxySpec { Provider = "openai", Upstream = "https://api.openai.com/v1" },
    };

    [Fact]
    public void A_missing_proxy_is_reported_by_name()
    {
        var problem = ProviderKeyValidation.Validate(Key("new", "openai"), null, _ => null);

        problem!.Reason.Should().Be(ProviderKeyValidation.ProxyNotFound);
        problem.Message.Should().Contain("'openai'").And.Contain("'team-a'");
    }

    [Fact]
    public void Replacing_a_key_of_the_same_proxy_or_a_missing_one_takes_effect()
    {
        var old = Key("old", "openai");
        ProviderKeyValidation.Validate(Key("new", "openai", replaces: "old"), Proxy, Siblings(old)).Should().BeNull();
        ProviderKeyValidation.Validate(Key("new", "openai", replaces: "deleted"), Proxy, Siblings(old)).Should().BeNull();
    }

    [Fact]
    public void Replacing_a_key_of_another_proxy_is_refused()
    {
        var other = Key("other", "anthropic");

        var problem = ProviderKeyValidation.Validate(Key("new", "openai", replaces: "other"), Proxy, Siblings(other));

        problem!.Reason.Should().Be(ProviderKeyValidation.InvalidReplaces);
        problem.Message.Should().Contain("serves Proxy 'anthropic'");
    }

    [Fact]
    public void A_replaces_cycle_through_the_key_is_refused_but_a_cycle_further_along_is_its_members_problem()
    {
        var a = Key("a", "openai", replaces: "b");
        var b = Key("b", "openai", replaces: "a");
        ProviderKeyValidation.ReplacesProblem(a, Siblings(a, b)).Should().Contain("cycle (a → b → a)");

        var c = Key("c", "openai", replaces: "d");
        var d = Key("d", "openai", replaces: "e");
        var e = Key("e", "openai", replaces: "d");
        ProviderKeyValidation.ReplacesProblem(c, Siblings(c, d, e)).Should().BeNull();
    }

    private static Func<string, ProviderKey?> Siblings(params ProviderKey[] keys) =>
        name => keys.FirstOrDefault(key => key.Metadata.Name == name);

    private static ProviderKey Key(string name, string proxy, string? replaces = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-a" },
        Spec = new ProviderKeySpec { ProxyRef = new LocalObjectReference { Name = proxy }, Replaces = replaces },
    };
}
