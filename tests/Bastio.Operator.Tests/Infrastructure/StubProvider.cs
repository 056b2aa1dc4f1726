using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>
/// An OpenAI-style provider over HTTPS on 127.0.0.1, reached as <c>https://localhost:port/v1</c> with a
/// certificate from <see cref="TestCertificateAuthority"/>: <c>GET /v1/models</c> is 200 for the accepted
/// key, 401 otherwise, unless <see cref="Respond"/> answers first. It records every request it sees.
/// </summary>
internal sealed class StubProvider : IAsyncDisposable
{
    private const string ServerNameItem = "sni";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _requests = new();

    private StubProvider(WebApplication app, Uri upstream)
    {
        _app = app;
        Upstream = upstream;
    }

    /// <summary>The base URL to put in a Proxy's spec.upstream.</summary>
    public Uri Upstream { get; }

    public volatile string AcceptedKey = "";

    /// <summary>Answers a request instead of the provider's usual answer when it returns a result.</summary>
    public volatile Func<HttpContext, IResult?>? Respond;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<SeenRequest> Requests => [.. _requests];

    public static async Task<StubProvider> StartAsync(string acceptedKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        var https = new HttpsConnectionAdapterOptions
        {
            // Called with the server name the client sent (SNI), kept on the connection for the requests on it.
            ServerCertificateSelector = (connection, serverName) =>
            {
                connection!.Items[ServerNameItem] = serverName;
                return TestCertificateAuthority.Shared.ServerCertificate;
            },
        };
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https)));
        var app = builder.Build();
        StubProvider? stub = null;
        app.Use(async (context, next) =>
        {
            stub!._requests.Enqueue(new SeenRequest(
                context.Request.Path,
                context.Request.Host.Value ?? "",
                context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ServerNameItem, out var serverName) == true ? serverName as string : null,
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers.Cookie.ToString()));
            if (stub.Respond?.Invoke(context) is { } answer)
            {
                await answer.ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.MapGet("/v1/models", (HttpContext context) =>
            context.Request.Headers.Authorization.ToString() == "Bearer " + stub!.AcceptedKey
                ? Results.Json(new { data = Array.Empty<object>() })
                : Results.Json(new { error = new { message = "Incorrect API key provided: " + context.Request.Headers.Authorization } }, statusCode: 401));
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        stub = new StubProvider(app, new Uri($"https://{TestCertificateAuthority.ServerName}:{port}/v1")) { AcceptedKey = acceptedKey };
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What the stub saw of one request: path, Host header, TLS server name (SNI) and credentials sent.</summary>
internal sealed record SeenRequest(string Path, string Host, string? ServerName, string Authorization, string Cookie);
