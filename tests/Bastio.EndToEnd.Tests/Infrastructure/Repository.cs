using System.Reflection;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>Where the repository and the build output of this configuration are.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this suite was built in; the components were built in the same one.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string LocalRunAssembly => Output("local/Bastio.LocalRun", "Bastio.LocalRun.dll");

    /// <summary>The plugin's apphost, named as kubectl looks plugins up.</summary>
    public static string PluginExecutable => Output("plugin/Bastio.Plugin", "kubectl-bastio");

    public static string Output(string project, string file) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", file);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Bastio.K8s.sln above {AppContext.BaseDirectory}");
    }
}
