using System.Net;
using System.Net.Sockets;

namespace Bastio.LocalRun.Configuration;

/// <summary>Finds ports that are already taken before anything starts, so the failure names the variable to change.</summary>
public static class PortCheck
{
    public static IReadOnlyList<string> FindConflicts(IEnumerable<LocalPort> ports)
    {
        var problems = new List<string>();
        var seen = new Dictionary<int, LocalPort>();
        foreach (var port in ports)
        {
            if (seen.TryGetValue(port.Port, out var other))
            {
                problems.Add($"{port.Variable} and {other.Variable} are both {port.Port}; give each component its own port");
                continue;
            }

            seen[port.Port] = port;
            if (!IsFree(port.Port))
            {
                problems.Add(
                    $"port {port.Port} ({port.Component}) is already in use on 127.0.0.1. Stop what uses it, " +
                    $"or pick another port: {port.Variable}={Suggest(port.Port)} make run");
            }
        }

        return problems;
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Kestrel binds with SO_REUSEADDR on Linux; do the same so a port in TIME_WAIT after the previous run counts as free.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int Suggest(int port) => port < 65000 ? port + 100 : port - 100;
}
