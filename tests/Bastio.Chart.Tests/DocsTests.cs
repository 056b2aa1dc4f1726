using System.Text.RegularExpressions;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

/// <summary>
/// Every command in a ```sh block of the shipping docs is run or rendered here: helm install and
/// upgrade as the equivalent helm template, kubectl create as a client-side dry run, files given to
/// kubectl apply or patch are parsed, and commands that need a live cluster are parsed by the real
/// binary (--help fails on an unknown subcommand or flag).
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string[] InstallOnlyFlags = ["--create-namespace", "--wait", "--atomic", "--reuse-values", "--install", "--dry-run"];

    public static TheoryData<string> Pages => new() { "install-helm.md", "gitops-argocd.md", "rbac.md", "monitoring.md", "upgrading.md", "encryption-key.md" };

    [GeneratedRegex(@"^Usage:\s*\n\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex UsageLine();

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_command_on_the_page_runs_or_renders(string page)
    {
        var commands = ShellCommands.FromMarkdown(page, await File.ReadAllTextAsync(Repository.At("docs", page))).ToList();

        commands.Should().NotBeEmpty();
        foreach (var command in commands)
        {
            await CheckAsync(command);
        }
    }

    [Fact]
    public void Commands_are_split_like_a_shell_would()
    {
        const string Markdown = "text\n```sh\n# a comment\nhelm install bastio charts/bastio \\\n  --set 'operator.watchNamespaces={a,b}'\n\nkubectl get apikeys -A\n```\n";

        var commands = ShellCommands.FromMarkdown("page.md", Markdown).ToList();

        commands.Select(command => command.Words).Should().BeEquivalentTo(new[]
        {
            new[] { "helm", "install", "bastio", "charts/bastio", "--set", "operator.watchNamespaces={a,b}" },
            new[] { "kubectl", "get", "apikeys", "-A" },
        }, options => options.WithStrictOrdering());
        commands[0].Line.Should().Be(4);
    }

    private static async Task CheckAsync(DocCommand command)
    {
        var words = command.Words;
        switch (words[0], words.Count > 1 ? words[1] : "")
        {
            case ("helm", "install" or "upgrade"):
                await RenderInstallAsync(command);
                break;
            case ("helm", "template" or "lint"):
                ExpectSuccess(command, await Helm.RunAsync([.. words.Skip(1)]));
                break;
            case ("kubectl", "create"):
                await DryRunCreateAsync(command);
                break;
            case ("kubectl", "apply" or "patch"):
                ParseFiles(command);
                await ParseWithHelpAsync(command);
                break;
            case ("helm" or "kubectl", _):
                await ParseWithHelpAsync(command);
                break;
            case ("make", var target):
                File.ReadAllText(Repository.At("Makefile")).Should().MatchRegex($"(?m)^{Regex.Escape(target)}:", command.ToString());
                break;
            default:
                throw new InvalidOperationException($"{command}: docs commands must be helm, kubectl or make, so a test can check them.");
        }
    }

    private static async Task RenderInstallAsync(DocCommand command)
    {
        var arguments = new List<string>();
        var words = command.Words.Skip(2).ToList();
        for (var index = 0; index < words.Count; index++)
        {
            if (words[index] == "--timeout")
            {
                index++;
            }
            else if (!InstallOnlyFlags.Contains(words[index]))
            {
                arguments.Add(words[index]);
            }
        }

        arguments[1].Should().Be("charts/bastio", $"{command} installs the chart of this repository");
        ExpectSuccess(command, await Helm.RunAsync(["template", .. arguments]));
    }

    private static async Task DryRunCreateAsync(DocCommand command)
    {
        var result = await Processes.RunAsync(Tools.Kubectl, [.. command.Words.Skip(1), "--dry-run=client", "--output=yaml"]);
        ExpectSuccess(command, result);

        var created = Manifests.Parse(result.StandardOutput).Single();
        if (created.Kind is "RoleBinding" or "ClusterRoleBinding")
        {
            var roleKind = (string)created["roleRef.kind"]!;
            var roleName = (string)created["roleRef.name"]!;
            (await Helm.Default).Manifests.Should().Contain(role => role.Kind == roleKind && role.Name == roleName
                && (roleKind == "ClusterRole" || role.Namespace == created.Namespace), $"{command} binds a role the chart renders");
        }
    }

    private static void ParseFiles(DocCommand command)
    {
        var files = command.Words.Zip(command.Words.Skip(1))
            .Where(pair => pair.First is "-f" or "--filename" or "--patch-file")
            .Select(pair => Repository.At(pair.Second))
            .SelectMany(path => Directory.Exists(path) ? Directory.GetFiles(path, "*.yaml") : [path])
            .ToList();

        files.Should().NotBeEmpty(command.ToString());
        foreach (var file in files)
        {
            File.Exists(file).Should().BeTrue(command.ToString());
            Manifests.Parse(File.ReadAllText(file)).Should().NotBeEmpty().And.OnlyContain(manifest => manifest.Kind.Length > 0 && manifest.Name.Length > 0);
        }
    }

    /// <summary>The real binary parses the command: an unknown subcommand shows a group's help, an unknown flag fails.</summary>
    private static async Task ParseWithHelpAsync(DocCommand command)
    {
        var tool = command.Words[0] == "helm" ? Tools.Helm : Tools.Kubectl;
        var result = await Processes.RunAsync(tool, [.. command.Words.Skip(1), "--help"]);
        ExpectSuccess(command, result);

        var usage = UsageLine().Match(result.StandardOutput);
        usage.Success.Should().BeTrue(command.ToString());
        usage.Groups[1].Value.Should().NotContain("SUBCOMMAND").And.NotContain("[command]", $"{command} names a command that does not exist");
        var path = usage.Groups[1].Value.Split(' ').Skip(1).TakeWhile(word => Regex.IsMatch(word, "^[a-z][a-z-]*$")).ToList();
        command.Words.Skip(1).TakeWhile(word => !word.StartsWith('-')).Take(path.Count).Should().Equal(path, command.ToString());
    }

    private static void ExpectSuccess(DocCommand command, ProcessResult result) =>
        result.ExitCode.Should().Be(0, $"{command}\n{result}");
}
