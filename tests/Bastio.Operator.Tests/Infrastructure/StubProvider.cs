using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>An OpenAI-style provider on 127.0.0.1: <c>GET /v1/models</c> is 200 for the accepted key, 401 otherwise.</summary>
internal sealed class StubProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubProvider(WebApplication app, Uri upstream)
    {
        _app = app;
        Upstream = upstream;
    }

    /// <summary>The base URL to put in a Proxy's spec.upstream.</summary>
    public Uri Upstream { get; }

    public volatile string AcceptedKey = "";

    public static async Task<StubProvider> StartAsync(string acceptedKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StubProvider? stub = null;
        app.MapGet("/v1/models", (HttpContext context) =>
            context.Request.Headers.Authorization.ToString() == "Bearer " + stub!.AcceptedKey
                ? Results.Json(new { data = Array.Empty<object>() })
                : Results.Json(new { error = new { message = "Incorrect API key provided: " + context.Request.Headers.Authorization } }, statusCode: 401));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub = new StubProvider(app, new Uri(address.TrimEnd('/') + "/v1")) { AcceptedKey = acceptedKey };
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
