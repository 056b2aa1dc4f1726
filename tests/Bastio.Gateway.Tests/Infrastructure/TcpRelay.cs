using System.Net;
using System.Net.Sockets;

namespace Bastio.Gateway.Tests.Infrastructure;

/// <summary>
/// Passes every TCP connection it accepts on loopback on to <c>target</c>, byte for byte: a stand-in for
/// a Service or load balancer in front of the gateway, so a Proxy can lead back to the gateway through
/// an address that is not one of the gateway's own listeners.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _connections;

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections relayed so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = RelayAsync(accepted);
        }
    }

    private async Task RelayAsync(Socket accepted)
    {
        using var client = new NetworkStream(accepted, ownsSocket: true);
        using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await upstream.ConnectAsync(_target, _stopping.Token);
            await using var server = new NetworkStream(upstream, ownsSocket: false);
            await Task.WhenAny(client.CopyToAsync(server, _stopping.Token), server.CopyToAsync(client, _stopping.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // A connection torn down by either side or by stopping the relay.
        }
    }
}
