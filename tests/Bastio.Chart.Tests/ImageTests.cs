using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

/// <summary>
/// The Dockerfiles cannot be built here (no Docker engine); these read them for the properties that
/// matter and that break silently: the final image, its user, and the projects the build copies in.
/// </summary>
public sealed partial class ImageTests
{
    public static TheoryData<string, string> Components => new()
    {
        { "operator", "operator/Bastio.Operator/Bastio.Operator.csproj" },
        { "gateway", "gateway/Bastio.Gateway/Bastio.Gateway.csproj" },
    };

    [GeneratedRegex(@"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex From();

    [GeneratedRegex(@"^COPY\s+(?!--from)(.+)$", RegexOptions.Multiline)]
    private static partial Regex Copy();

    [GeneratedRegex(@"^USER\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex User();

    private static string Dockerfile(string component) => File.ReadAllText(Repository.At(component, "Dockerfile"));

    private static string FinalStage(string dockerfile) => dockerfile[From().Matches(dockerfile)[^1].Index..];

    [Theory]
    [MemberData(nameof(Components))]
    public void Build_is_multi_stage_and_the_final_image_has_no_sdk(string component, string project)
    {
        var stages = From().Matches(Dockerfile(component)).Select(match => match.Groups[1].Value).ToList();

        stages.Should().HaveCountGreaterThan(1);
        stages[0].Should().StartWith("mcr.microsoft.com/dotnet/sdk:10.0");
        stages[^1].Should().StartWith("mcr.microsoft.com/dotnet/aspnet:10.0");
        FinalStage(Dockerfile(component)).Should().Contain("COPY --from=build /app")
            .And.Contain($"ENTRYPOINT [\"dotnet\", \"{Path.GetFileNameWithoutExtension(project)}.dll\"]");
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Final_image_runs_as_the_numeric_non_root_user_the_chart_expects(string component, string project)
    {
        _ = project;
        var user = User().Matches(FinalStage(Dockerfile(component))).Select(match => match.Groups[1].Value).Should().ContainSingle().Subject;

        int.TryParse(user, out var uid).Should().BeTrue("Kubernetes can only verify runAsNonRoot for a numeric user");
        uid.Should().BeGreaterThan(0);
        var values = Manifests.Parse(File.ReadAllText(Path.Combine(Repository.Chart, "values.yaml"))).Single();
        ((long?)values["podSecurityContext.runAsUser"]).Should().Be(uid);
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Build_copies_every_project_the_component_references(string component, string project)
    {
        var copied = Copy().Matches(Dockerfile(component)).Select(match => match.Groups[1].Value).ToList();

        foreach (var reference in ProjectClosure(Repository.At(project)))
        {
            var relative = Path.GetRelativePath(Repository.Root, reference).Replace('\\', '/');
            copied.Should().Contain(line => line.StartsWith(relative + " ", StringComparison.Ordinal),
                because: $"restore needs {relative}");
            copied.Should().Contain(line => line.StartsWith(Path.GetDirectoryName(relative)!.Replace('\\', '/') + "/ ", StringComparison.Ordinal),
                because: $"publish needs the sources of {relative}");
        }
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Host_build_output_stays_out_of_the_build_context(string component, string project)
    {
        _ = project;
        var ignore = File.ReadAllLines(Repository.At(component, "Dockerfile.dockerignore"));

        ignore.Should().Contain(["**/bin/", "**/obj/"], because: "a host obj/project.assets.json would replace the image's restore");
    }

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, (string)reference.Attribute("Include")!)));
            }
        }

        return seen;
    }
}
