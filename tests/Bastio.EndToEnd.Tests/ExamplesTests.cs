using Bastio.EndToEnd.Tests.Infrastructure;
using Bastio.EndToEnd.Tests.Targets;

namespace Bastio.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class ExamplesTests(SystemUnderTest system)
{
    [Fact]
    public async Task The_examples_validate_against_the_installed_crds()
    {
        var result = await Kubectl.RunAsync(system, "apply", "--dry-run=server", "-f", Path.Combine(Repository.Root, "examples"));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().NotContain("unknown field");
    }
}
