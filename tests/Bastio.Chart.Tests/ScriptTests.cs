using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

/// <summary>make e2e and make images need Docker and k3d; without them they must stop at once and say what is missing.</summary>
public sealed class ScriptTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("bastio-script-tests-").FullName;

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    /// <summary>A PATH holding only the named tools, as stubs that succeed (a reachable Docker engine included).</summary>
    private Dictionary<string, string?> PathWith(params string[] tools)
    {
        foreach (var tool in tools)
        {
            File.CreateSymbolicLink(Path.Combine(_bin, tool), "/bin/true");
        }

        // The shell utilities the scripts use, but none of the tools under test.
        foreach (var utility in new[] { "dirname", "sed", "cat", "mktemp", "rm", "seq" })
        {
            var target = Path.Combine(_bin, utility);
            if (!File.Exists(target))
            {
                File.CreateSymbolicLink(target, Path.Combine("/usr/bin", utility));
            }
        }

        return new Dictionary<string, string?> { ["PATH"] = _bin };
    }

    private static Task<ProcessResult> Run(string script, Dictionary<string, string?> environment) =>
        Processes.RunAsync(Tools.Bash, [Repository.At("scripts", script)], environment: environment);

    [Fact]
    public async Task E2e_names_docker_and_k3d_when_both_are_missing()
    {
        var result = await Run("e2e.sh", PathWith("kubectl", "dotnet"));

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("e2e: ERROR: missing docker, k3d; make e2e needs Docker and k3d");
    }

    [Fact]
    public async Task E2e_names_k3d_alone_when_docker_is_present()
    {
        var result = await Run("e2e.sh", PathWith("kubectl", "dotnet", "docker"));

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("e2e: ERROR: missing k3d;");
    }

    [Fact]
    public async Task Images_refuse_to_start_without_docker()
    {
        var result = await Run("images.sh", PathWith());

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("images: ERROR: docker is not installed");
    }
}
