using Bastio.Operator.ManagedObjects;

namespace Bastio.Operator.Tests.Unit;

public sealed class ManagedObjectNamesTests
{
    [Fact]
    public void Names_are_readable_and_distinguish_namespace_from_name()
    {
        var a = ManagedObjectNames.VerifierSecret("a-b", "c");
        var b = ManagedObjectNames.VerifierSecret("a", "b-c");
        a.Should().StartWith("bastio-ak-a-b-c-");
        a.Should().NotBe(b);
    }

    [Fact]
    public void CronJob_names_fit_52_characters_and_stay_unique_when_truncated()
    {
        var longName = new string('x', 63);
        var first = ManagedObjectNames.RotationCronJob(new string('n', 63), longName);
        var second = ManagedObjectNames.RotationCronJob(new string('n', 63), longName[..62] + "y");
        first.Length.Should().BeLessThanOrEqualTo(52);
        second.Length.Should().BeLessThanOrEqualTo(52);
        first.Should().NotBe(second);
        first.Should().MatchRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    }

    [Fact]
    public void Truncation_never_leaves_a_trailing_separator()
    {
        // Room for 29 readable characters: the cut falls right after the dash between namespace and name.
        var name = ManagedObjectNames.RotationCronJob(new string('a', 28), "bbbbbbbb");
        name.Should().NotContain("--");
        name.Length.Should().BeLessThanOrEqualTo(52);
    }

    [Fact]
    public void Delivery_secret_defaults_to_name_dash_key()
    {
        ManagedObjectNames.DeliverySecret("app", null).Should().Be("app-key");
        ManagedObjectNames.DeliverySecret("app", "creds").Should().Be("creds");
    }
}
