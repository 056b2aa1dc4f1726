using System.Net;
using System.Net.Sockets;

namespace Bastio.EndToEnd.Tests.Infrastructure;

public static class FreePorts
{
    /// <summary>
    /// Ports the kernel just handed out as ephemeral. They are released before the orchestrator binds
    /// them; the kernel does not hand the same ephemeral port out again soon, so parallel tests do not collide.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}
