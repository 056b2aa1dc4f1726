namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from (found by walking up to the solution file).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Chart => Path.Combine(Root, "charts", "bastio");

    public static string ToolsModules => Path.Combine(Root, ".tools", "node_modules");

    public static string At(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
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
