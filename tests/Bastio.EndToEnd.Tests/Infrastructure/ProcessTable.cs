using System.Globalization;
using System.Net;

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

    /// <summary>
    /// The addresses <paramref name="pid"/> listens on (TCP, IPv4 and IPv6): its socket inodes from
    /// /proc/&lt;pid&gt;/fd matched against the LISTEN entries of its network namespace's tables.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> ListeningEndpoints(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var listening = new List<IPEndPoint>();
        foreach (var table in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...; st 0A is LISTEN.
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns[3] == "0A" && inodes.Contains(columns[9]))
                {
                    listening.Add(ParseEndpoint(columns[1]));
                }
            }
        }

        return listening;
    }

    // The kernel prints each 32-bit word of the address in host (little-endian) byte order.
    private static IPEndPoint ParseEndpoint(string hex)
    {
        var (address, port) = (hex[..hex.IndexOf(':')], hex[(hex.IndexOf(':') + 1)..]);
        var bytes = Convert.FromHexString(address);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPEndPoint(new IPAddress(bytes), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
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
