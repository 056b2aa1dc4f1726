using System.Diagnostics.Metrics;
using Bastio.Core.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Bastio.Core.Tests.Metrics;

public sealed class PrometheusMetricsTests : IAsyncLifetime
{
    // A meter name of its own keeps parallel tests from seeing each other's instruments.
    private readonly Meter _meter = new($"Bastio.Tests.{Guid.NewGuid():N}");
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddPrometheusMetrics("bastio-test", _meter.Name);
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _meter.Dispose();
    }

    [Fact]
    public async Task Dump()
    {
        var requests = _meter.CreateCounter<long>("bastio_gateway_requests", description: "Requests answered.");
        requests.Add(2, new("proxy", "openai"), new("code", "200"));
        _meter.CreateHistogram<double>("bastio_gateway_request_duration_seconds", unit: "s").Record(0.003);
        _meter.CreateObservableGauge("bastio_gateway_config_age_seconds", () => 12.5, unit: "s");
        _meter.CreateCounter<long>("bastio_operator_rotations_total").Add(1);
        Console.WriteLine(await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using var response = await _client.SendAsync(request);
        Console.WriteLine(response.Content.Headers.ContentType);
        Console.WriteLine(await response.Content.ReadAsStringAsync());
    }
}
