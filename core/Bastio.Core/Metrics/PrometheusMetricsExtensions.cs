using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bastio.Core.Metrics;

public static class PrometheusMetricsExtensions
{
    /// <summary>Registers <see cref="PrometheusMetrics"/> as the <see cref="IPrometheusScraper"/> singleton.</summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, Action<PrometheusMetricsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PrometheusMetricsOptions();
        configure(options);
        services.AddSingleton(_ => new PrometheusMetrics(options));
        services.AddSingleton<IPrometheusScraper>(provider => provider.GetRequiredService<PrometheusMetrics>());
        return services;
    }

    /// <summary>
    /// Serves the scrape at <paramref name="path"/> with content type <c>text/plain; version=0.0.4; charset=utf-8</c>.
    /// The scraper is resolved here, not on the first scrape, because a meter provider only sees
    /// measurements made after it exists.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusScrapingEndpoint(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        var scraper = endpoints.ServiceProvider.GetRequiredService<IPrometheusScraper>();
        return endpoints.MapGet(path, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(scraper.Scrape(), PrometheusText.ContentType);
        });
    }
}
