using System.Net;
using Bastio.EndToEnd.Tests.Infrastructure;
using Bastio.EndToEnd.Tests.Targets;

namespace Bastio.EndToEnd.Tests;

/// <summary>Every command in the README's <c>sh</c> blocks is run, in order, against the system under test.</summary>
[Collection(SystemCollection.Name)]
public sealed class ReadmeTests(SystemUnderTest system)
{
    private const string DocumentedGateway = "http://127.0.0.1:18080/v1";

    /// <summary>Variables the README tells people to export; the test provides their values.</summary>
    private static readonly string[] ProvidedVariables = ["KUBECONFIG", "BASTIO_KEY"];

    private static IReadOnlyList<string> ShellLines { get; } = ReadShellLines();

    [Fact]
    public void Every_command_is_one_this_suite_knows_how_to_exercise()
    {
        ShellLines.Should().NotBeEmpty();
        ShellLines.Should().OnlyContain(
            line => line.StartsWith("make ", StringComparison.Ordinal) || line.StartsWith("export ", StringComparison.Ordinal)
                || line.StartsWith("kubectl ", StringComparison.Ordinal) || line.StartsWith("curl ", StringComparison.Ordinal),
            "a new kind of command in the README needs a test here");
        ShellLines.Where(line => line.StartsWith("export ", StringComparison.Ordinal))
            .Select(line => line["export ".Length..].Split('=')[0])
            .Should().OnlyContain(variable => ProvidedVariables.Contains(variable));
        File.ReadAllText(ReadmePath).Should().Contain(DocumentedGateway, "the examples use make run's default gateway URL");
    }

    [Fact]
    public async Task Make_targets_named_in_the_readme_exist()
    {
        var targets = ShellLines.Where(line => line.StartsWith("make ", StringComparison.Ordinal)).Select(line => line.Split(' ')[1])
            .Concat(["run", "test", "plugin", "cluster", "bench", "e2e", "help"])
            .Distinct();

        foreach (var target in targets)
        {
            var dryRun = await CommandRunner.RunAsync("make", ["-n", target]);
            dryRun.ExitCode.Should().Be(0, "`make {0}` must exist: {1}", target, dryRun.Error);
        }
    }

    [Fact]
    public async Task Kubectl_curl_and_plugin_commands_work_as_written()
    {
        var environment = await EnvironmentAsync();
        foreach (var name in new[] { "apikey/my-app", "providerkey/openai-backup", "secret/openai-backup-credentials" })
        {
            // A real cluster outlives test runs: start from the README's assumptions.
            await CommandRunner.RunAsync("kubectl", ["delete", name, "--ignore-not-found", "--wait=false"], environment);
        }

        foreach (var line in ShellLines.Where(line => line.StartsWith("kubectl ", StringComparison.Ordinal) || line.StartsWith("curl ", StringComparison.Ordinal)))
        {
            var command = line.Replace(DocumentedGateway, system.GatewayUrl.ToString().TrimEnd('/'), StringComparison.Ordinal);
            var result = await CommandRunner.RunAsync("bash", ["-c", command], environment, timeout: TimeSpan.FromMinutes(2));

            result.ExitCode.Should().Be(0, "README command `{0}` must work: {1}", line, result);
            if (line.StartsWith("curl ", StringComparison.Ordinal))
            {
                result.Output.Should().Contain("\"choices\"");
            }
        }

        (await Gateway.ListModelsAsync(system.GatewayUrl, system.ApiKey)).Status.Should().Be(HttpStatusCode.OK, "the README walk-through leaves the example key working");
    }

    [Fact]
    public async Task Make_plugin_installs_kubectl_bastio_and_says_when_the_folder_is_not_on_the_path()
    {
        var prefix = Directory.CreateTempSubdirectory("bastio-prefix-").FullName;
        try
        {
            var result = await CommandRunner.RunAsync(
                "make", ["plugin", $"PREFIX={prefix}", $"CONFIGURATION={Repository.Configuration}"], timeout: TimeSpan.FromMinutes(10));

            result.ExitCode.Should().Be(0, result.ToString());
            var installed = Path.Combine(prefix, "bin", "kubectl-bastio");
            File.Exists(installed).Should().BeTrue();
            result.Output.Should().Contain($"{prefix}/bin is not on your PATH");
            var help = await CommandRunner.RunAsync(installed, ["--help"]);
            help.ExitCode.Should().Be(0, help.ToString());
            help.Output.Should().Contain("keys").And.Contain("provider-keys").And.Contain("Exit codes");
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private async Task<Dictionary<string, string?>> EnvironmentAsync()
    {
        var pluginDirectory = Path.GetDirectoryName(Repository.PluginExecutable)!;
        var environment = new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = system.Kubeconfig,
            ["BASTIO_KEY"] = system.ApiKey,
            ["PATH"] = $"{pluginDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
            ["KUBECACHEDIR"] = Kubectl.CacheDirectory["KUBECACHEDIR"],
            ["OPENAI_API_KEY"] = await Kubectl.ExampleProviderKeyAsync(system),
        };
        return environment;
    }

    private static string ReadmePath => Path.Combine(Repository.Root, "README.md");

    private static List<string> ReadShellLines()
    {
        var lines = new List<string>();
        var inShell = false;
        foreach (var raw in File.ReadLines(ReadmePath))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line == "```sh";
                continue;
            }

            if (inShell && line.Length > 0 && !line.StartsWith('#'))
            {
                // A trailing comment explains the line to a reader; it is not part of the command.
                var comment = line.IndexOf("   #", StringComparison.Ordinal);
                lines.Add(comment < 0 ? line : line[..comment].TrimEnd());
            }
        }

        return lines;
    }
}
