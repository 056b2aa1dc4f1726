using Bastio.Crds.Generator;

namespace Bastio.Crds.Tests;

public sealed class CommittedCrdsTests
{
    [Fact]
    public void Committed_yaml_matches_the_generator_output()
    {
        var directory = Path.Combine(RepositoryRoot(), "crds");

        foreach (var crd in CrdGenerator.Generate())
        {
            var path = Path.Combine(directory, crd.FileName);
            File.Exists(path).Should().BeTrue($"crds/{crd.FileName} is generated from the C# model: run `make crds`");
            File.ReadAllText(path).ReplaceLineEndings("\n").Should().Be(crd.Yaml,
                $"crds/{crd.FileName} must match the C# model: run `make crds` and commit the result");
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        CrdGenerator.Generate().Should().Equal(CrdGenerator.Generate());
    }

    [Fact]
    public void Writes_one_file_per_resource()
    {
        var directory = Directory.CreateTempSubdirectory("bastio-crds-");
        try
        {
            var written = CrdGenerator.WriteAll(directory.FullName);

            written.Select(Path.GetFileName).Should().BeEquivalentTo("bastio.io_apikeys.yaml", "bastio.io_providerkeys.yaml", "bastio.io_proxies.yaml");
            File.ReadAllText(written[0]).Should().StartWith("# Generated").And.Contain("kind: CustomResourceDefinition");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Bastio.K8s.sln above {AppContext.BaseDirectory}.");
    }
}
