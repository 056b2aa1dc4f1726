using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

public sealed class CrdTests
{
    [Fact]
    public void Chart_crds_are_identical_to_the_generated_crds()
    {
        var generated = Directory.GetFiles(Repository.At("crds"), "*.yaml").ToDictionary(path => Path.GetFileName(path));
        var packaged = Directory.GetFiles(Path.Combine(Repository.Chart, "crds"), "*.yaml").ToDictionary(path => Path.GetFileName(path));

        generated.Should().NotBeEmpty("`make crds` generates the CRDs into crds/");
        packaged.Keys.Should().BeEquivalentTo(generated.Keys, "`make chart-crds` copies crds/*.yaml into the chart");
        foreach (var (name, path) in generated)
        {
            File.ReadAllText(packaged[name]).Should().Be(File.ReadAllText(path), $"charts/bastio/crds/{name} is stale: run `make chart-crds`");
        }
    }
}
