using System.Text.RegularExpressions;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

/// <summary>
/// The repository documents itself: docs/reference/ is the contract, so no file may send a reader to a
/// document outside the repository, every section a file cites must exist, and what the code can emit
/// (gateway error codes, metric names, command-line flags, plugin commands) must appear in the reference
/// pages, read from the source so the docs cannot drift from the code.
/// </summary>
public sealed partial class ReferenceDocsTests
{
    private static readonly string[] SkippedDirectories = ["bin", "obj", ".git", ".bastio", ".tools", "node_modules", "TestResults", "BenchmarkDotNet.Artifacts", ".vs", ".idea"];

    // Built from pieces so this file does not match itself.
    [GeneratedRegex("DESIGN" + @"(\.md|\s*§)|\.\./" + "shared/")]
    private static partial Regex OutsideDocument();

    [GeneratedRegex(@"(?<file>[a-z-]+\.md)#(?<anchor>[a-z0-9-]+)")]
    private static partial Regex SectionCitation();

    // docs/reference/<page>.md anywhere, and links of the guides in docs/ (relative: reference/<page>.md).
    [GeneratedRegex(@"(?:docs/|\]\()reference/(?<file>[a-z-]+\.md)(#(?<anchor>[a-z0-9-]+))?")]
    private static partial Regex ReferenceCitation();

    [GeneratedRegex(@"\]\(#(?<anchor>[a-z0-9-]+)\)")]
    private static partial Regex SamePageLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    // GatewayError(status, type, code, ...) and the target-typed new(status, type, code, ...) of the catalogues.
    [GeneratedRegex(@"(?:GatewayError|new)\(\s*(?:\d{3}|[A-Za-z_.]*StatusCode)\s*,\s*""[a-z_]+""\s*,\s*""(?<code>[a-z_]+)""")]
    private static partial Regex GatewayErrorCode();

    [GeneratedRegex(@"""(?<name>bastio_(?:gateway|operator)_[a-z_]+)""")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"new(?:\s*Option<[^>]+>)?\(\s*""(?<flag>--[a-z][a-z-]*)""")]
    private static partial Regex FlagDefinition();

    [GeneratedRegex(@"new Command\(\s*""(?<command>[a-z][a-z-]*)""")]
    private static partial Regex PluginCommand();

    private static string ReferencePage(string file) => File.ReadAllText(Repository.At("docs", "reference", file));

    [Fact]
    public void No_file_refers_to_a_document_outside_the_repository()
    {
        var offenders = RepositoryTextFiles()
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, number: index + 1)))
            .Where(entry => OutsideDocument().IsMatch(entry.line))
            .Select(entry => $"{Path.GetRelativePath(Repository.Root, entry.path)}:{entry.number}: {entry.line.Trim()}")
            .ToList();

        offenders.Should().BeEmpty("the repository's docs/reference/ is the contract; cite docs/reference/<page>.md#<section> instead");
    }

    [Fact]
    public void Every_cited_reference_section_exists()
    {
        var anchors = Directory.GetFiles(Repository.At("docs", "reference"), "*.md")
            .ToDictionary(path => Path.GetFileName(path), path => Anchors(File.ReadAllText(path)), StringComparer.Ordinal);
        var broken = new List<string>();
        void Check(string citedBy, string file, string? anchor)
        {
            if (!anchors.TryGetValue(file, out var known) || (anchor is not null && !known.Contains(anchor)))
            {
                broken.Add($"{citedBy}: {file}{(anchor is null ? "" : "#" + anchor)}");
            }
        }

        foreach (var path in RepositoryTextFiles())
        {
            var relative = Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');
            var text = File.ReadAllText(path);
            foreach (Match match in ReferenceCitation().Matches(text))
            {
                Check(relative, match.Groups["file"].Value, match.Groups["anchor"].Success ? match.Groups["anchor"].Value : null);
            }

            if (relative.StartsWith("docs/reference/", StringComparison.Ordinal))
            {
                // Within the reference pages, sibling pages are cited by file name alone.
                foreach (Match match in SectionCitation().Matches(text).Where(m => anchors.ContainsKey(m.Groups["file"].Value)))
                {
                    Check(relative, match.Groups["file"].Value, match.Groups["anchor"].Value);
                }

                foreach (Match match in SamePageLink().Matches(text))
                {
                    Check(relative, Path.GetFileName(path), match.Groups["anchor"].Value);
                }
            }
        }

        broken.Should().BeEmpty("every cited page and section of docs/reference must exist");
    }

    [Fact]
    public void Every_gateway_error_code_is_documented()
    {
        var codes = SourceFiles("gateway")
            .SelectMany(path => Found(path, GatewayErrorCode(), "code"))
            .ToHashSet(StringComparer.Ordinal);
        var page = ReferencePage("gateway.md");

        codes.Should().Contain(["invalid_api_key", "insufficient_permissions", "insufficient_quota", "internal_error", "invalid_request"], "the scan must find the catalogues");
        codes.Where(code => !page.Contains($"`{code}`", StringComparison.Ordinal))
            .Should().BeEmpty("docs/reference/gateway.md#error-codes lists every code the gateway can answer with");
    }

    [Fact]
    public void Every_metric_is_documented()
    {
        var names = SourceFiles("gateway").Concat(SourceFiles("operator"))
            .SelectMany(path => Found(path, MetricName(), "name"))
            .ToHashSet(StringComparer.Ordinal);
        var page = ReferencePage("metrics.md");

        names.Should().Contain(["bastio_gateway_requests", "bastio_operator_reconcile_total"], "the scan must find the instruments");
        names.Where(name => !page.Contains($"`{name}", StringComparison.Ordinal))
            .Should().BeEmpty("docs/reference/metrics.md lists every series (counters with _total)");
    }

    [Fact]
    public void Every_command_line_flag_is_documented()
    {
        var flags = SourceFiles("gateway").Concat(SourceFiles("operator"))
            .Where(path => Path.GetFileName(path).EndsWith("CommandLine.cs", StringComparison.Ordinal))
            .Concat(SourceFiles("plugin"))
            .SelectMany(path => Found(path, FlagDefinition(), "flag"))
            .ToHashSet(StringComparer.Ordinal);
        var pages = ReferencePage("flags.md") + ReferencePage("commands.md");

        flags.Should().Contain(["--max-staleness", "--delivery-ack-timeout", "--permissions"], "the scan must find the command lines");
        flags.Where(flag => !Regex.IsMatch(pages, $@"(?<![a-z-]){Regex.Escape(flag)}(?![a-z-])"))
            .Should().BeEmpty("docs/reference/flags.md and commands.md list every flag of the gateway, the operator and the plugin");
    }

    [Fact]
    public void Every_plugin_command_is_documented()
    {
        var commands = SourceFiles("plugin")
            .SelectMany(path => Found(path, PluginCommand(), "command"))
            .ToHashSet(StringComparer.Ordinal);
        var page = ReferencePage("commands.md");

        commands.Should().Contain(["keys", "rotate", "provider-keys"], "the scan must find the command tree");
        commands.Where(command => !Regex.IsMatch(page, $@"(`|\b(keys|provider-keys|proxies) ){Regex.Escape(command)}\b"))
            .Should().BeEmpty("docs/reference/commands.md lists every kubectl bastio command");
    }

    [Theory]
    [InlineData("## Order of checks", "order-of-checks")]
    [InlineData("### `make run` ports", "make-run-ports")]
    [InlineData("### Disable, expiry, revocation", "disable-expiry-revocation")]
    public void Anchors_are_made_as_GitHub_makes_them(string heading, string anchor)
    {
        Anchors(heading).Should().Equal(anchor);
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to '-', repeats numbered.</summary>
    private static List<string> Anchors(string markdown)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new List<string>();
        foreach (Match heading in Heading().Matches(markdown))
        {
            var slug = new string([.. heading.Groups["title"].Value.ToLowerInvariant()
                .Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')
                .Select(c => c == ' ' ? '-' : c)]);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>The values of <paramref name="group"/> in every match of <paramref name="regex"/> in a file.</summary>
    private static IEnumerable<string> Found(string path, Regex regex, string group) =>
        regex.Matches(File.ReadAllText(path)).Select(match => match.Groups[group].Value);

    private static IEnumerable<string> SourceFiles(string component) =>
        Directory.EnumerateFiles(Repository.At(component), "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsSkipped(Path.GetRelativePath(Repository.Root, path)));

    /// <summary>Every text file of the repository (build output, tools and local state skipped; binary files have a NUL byte).</summary>
    private static IEnumerable<string> RepositoryTextFiles() =>
        Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Where(path => !IsSkipped(Path.GetRelativePath(Repository.Root, path)))
            .Where(path => !File.ReadAllBytes(path).Contains((byte)0));

    private static bool IsSkipped(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[..^1].Any(SkippedDirectories.Contains);
}
