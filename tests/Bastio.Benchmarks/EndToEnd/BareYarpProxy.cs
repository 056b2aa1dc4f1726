using System.Net;
using Bastio.Benchmarks.Gateway;
using Bastio.Core.Networking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Bastio.Benchmarks.EndToEnd;

/// <summary>
/// The reference the gateway is compared with: YARP's <see cref="IHttpForwarder"/> behind Kestrel with
/// the gateway's server settings (slim builder, HTTP/1.1, no Server header) and upstream client settings,
/// forwarding every request unchanged with no checks. The gateway's overhead is the difference.
/// </summary>
internal sealed class BareYarpProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _upstream;

    private BareYarpProxy(WebApplication app, HttpMessageInvoker upstream, Uri url)
    {
        _app = app;
        _upstream = upstream;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareYarpProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddHttpForwarder();
        var app = builder.Build();

        // The gateway's upstream handler settings, so both proxies pool upstream connections the same way.
        var invoker = new HttpMessageInvoker(Bastio.Gateway.Networking.UpstreamClients.CreateHandler(new UpstreamConnector(GatewayFixture.StubAddresses), UpstreamTrust.SystemStore));
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var destination = upstream.GetLeftPart(UriPartial.Authority);

        // A forwarding error is already answered with a 5xx by YARP, which wrk counts; nothing to add.
        app.Run(async context => await forwarder.SendAsync(context, destination, invoker).ConfigureAwait(false));
        await app.StartAsync().ConfigureAwait(false);
        var port = new Uri(app.Urls.First()).Port;
        return new BareYarpProxy(app, invoker, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _upstream.Dispose();
    }
}
