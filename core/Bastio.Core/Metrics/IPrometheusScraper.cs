namespace Bastio.Core.Metrics;

/// <summary>Produces the current metrics in the Prometheus text exposition format 0.0.4.</summary>
public interface IPrometheusScraper
{
    /// <summary>Collects every exposed instrument and renders it. Safe to call concurrently.</summary>
    string Scrape();
}
