using System.Globalization;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>Reads /proc, so the tests see processes the way the kernel does, not the way the orchestrator reports them.</summary>
public static class ProcessTable
{
    public static IReadOnlyList<int> ChildrenOf(int parent) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent)];

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && State(stat) != 'Z';
    }

    private static int? ParentOf(int pid) =>
        ReadStat(pid) is { } stat ? int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0], CultureInfo.InvariantCulture) : null;

    // The command name in parentheses may contain spaces; fields after the last ')' are fixed: state, ppid, ...
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    private static string? ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
