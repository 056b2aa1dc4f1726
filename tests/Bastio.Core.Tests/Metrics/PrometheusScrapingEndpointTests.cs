using System.Diagnostics.Metrics;
using Bastio.Core.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Bastio.Core.Tests.Metrics;

public sealed class PrometheusScrapingEndpointTests
{
    [Fact]
    public async Task Endpoint_serves_the_scrape_with_the_prometheus_content_type()
    {
        using var meter = new Meter($"Bastio.Tests.Endpoint.{Guid.NewGuid():N}");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddPrometheusMetrics(options => options.Meters.Add(meter.Name));
        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();

        // Recorded before the first scrape: the provider must already be listening.
        meter.CreateCounter<long>("bastio_operator_reconcile").Add(4, new KeyValuePair<string, object?>("controller", "apikey"));
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        response.IsSuccessStatusCode.Should().BeTrue();
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        var scrape = PrometheusMetricsTests.Parse(await response.Content.ReadAsStringAsync());
        scrape.Types.Should().Contain("bastio_operator_reconcile_total", "counter");
        scrape.Samples["bastio_operator_reconcile_total{controller=\"apikey\"}"].Should().Be(4);
        await app.StopAsync();
    }
}
