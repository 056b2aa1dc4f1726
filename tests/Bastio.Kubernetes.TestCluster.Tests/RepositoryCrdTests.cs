using System.Net;

namespace Bastio.Kubernetes.TestCluster.Tests;

/// <summary>The product's generated CRDs (crds/*.yaml) load at start, as `make cluster` does, and the examples validate against them.</summary>
public sealed class RepositoryCrdTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task The_repository_CRDs_load_and_are_served_and_established()
    {
        var files = Directory.GetFiles(Path.Combine(Root, "crds"), "*.yaml");
        files.Should().NotBeEmpty("the CRD generator writes crds/*.yaml");
        await using var server = await TestClusterServer.StartAsync(new TestClusterOptions { CrdDirectory = Path.Combine(Root, "crds") });
        using var client = new ClusterClient(server);

        foreach (var file in files)
        {
            var name = (await File.ReadAllLinesAsync(file)).First(l => l.StartsWith("  name: ", StringComparison.Ordinal))["  name: ".Length..].Trim();
            var crd = await client.GetAsync(Samples.CrdsPath + "/" + name);
            crd.Status.Should().Be(HttpStatusCode.OK, file);
            var group = (string)crd.Body["spec"]!["group"]!;
            var plural = (string)crd.Body["spec"]!["names"]!["plural"]!;
            foreach (var version in crd.Body["spec"]!["versions"]!.AsArray().Where(v => (bool)v!["served"]!))
            {
                var list = await client.GetAsync($"/apis/{group}/{(string)version!["name"]!}/{plural}");
                list.Status.Should().Be(HttpStatusCode.OK, $"{plural}.{group} is served");
            }
        }
    }

    [Fact]
    public async Task The_examples_pass_server_side_validation_with_kubectl()
    {
        var examples = Path.Combine(Root, "examples");
        Directory.GetFiles(examples, "*.yaml").Should().NotBeEmpty("`make run` applies examples/");

        var options = new TestClusterOptions { CrdDirectory = Path.Combine(Root, "crds") };
        options.Namespaces.Add("bastio-system");
        await using var server = await TestClusterServer.StartAsync(options);
        using var kubectl = await Kubectl.ForAsync(server);

        var result = await kubectl.RunAsync("apply", "--dry-run=server", "-f", examples);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("(server dry run)");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bastio.K8s.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Bastio.K8s.sln not found above the test assembly");
    }
}
