using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

public sealed partial class MonitoringTests
{
    /// <summary>
    /// The metric families the gateway and the operator export, as DESIGN.md §6 names them. The
    /// components' hosts cannot yet be started in-process from here; when they can, this list should
    /// come from a scrape of their /metrics so a renamed metric fails this test.
    /// </summary>
    private static readonly string[] ExportedMetrics =
    [
        "bastio_gateway_requests_total", "bastio_gateway_request_duration_seconds", "bastio_gateway_overhead_seconds",
        "bastio_gateway_rejections_total", "bastio_gateway_tokens_total", "bastio_gateway_config_keys",
        "bastio_gateway_config_age_seconds", "bastio_gateway_watch_restarts_total",
        "bastio_operator_reconcile_total", "bastio_operator_reconcile_duration_seconds", "bastio_operator_rotations_total",
        "bastio_operator_workqueue_depth", "bastio_operator_keys",
    ];

    private static readonly string[] Histograms = ["bastio_gateway_request_duration_seconds", "bastio_gateway_overhead_seconds",
        "bastio_operator_reconcile_duration_seconds"];

    [GeneratedRegex(@"\bbastio_[a-z0-9_]+")]
    private static partial Regex MetricName();

    /// <summary>Metric families an expression reads; a histogram's _bucket, _sum and _count series belong to its family.</summary>
    private static IEnumerable<string> MetricsIn(string expression) => MetricName().Matches(expression).Select(match => Family(match.Value));

    private static string Family(string series) => Histograms.FirstOrDefault(histogram =>
        series == histogram + "_bucket" || series == histogram + "_sum" || series == histogram + "_count") ?? series;

    private static async Task<IReadOnlyList<(string Alert, string Expression)>> AlertsAsync() =>
        (await Helm.AllFeatures).Single("PrometheusRule", "bastio")["spec.groups"]!.AsArray()
            .SelectMany(group => group!["rules"]!.AsArray())
            .Select(rule => ((string)rule!["alert"]!, (string)rule["expr"]!))
            .ToList();

    private static async Task<JsonObject> DashboardAsync()
    {
        var configMap = (await Helm.AllFeatures).Single("ConfigMap", "bastio-dashboard");
        return JsonNode.Parse((string)configMap["data"]!["bastio.json"]!)!.AsObject();
    }

    private static IEnumerable<(string Title, string Expression)> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().SelectMany(panel => panel!["targets"]!.AsArray()
            .Select(target => ((string)panel["title"]!, (string)target!["expr"]!)));

    [Fact]
    public async Task Alerts_cover_the_failure_modes_operators_page_on()
    {
        var alerts = (await AlertsAsync()).Select(alert => alert.Alert);

        alerts.Should().BeEquivalentTo("BastioAuthFailureRatioHigh", "BastioApiKeyNearRateLimit", "BastioGatewayConfigStale",
            "BastioRotationFailed", "BastioInvalidApiKeys");
    }

    [Fact]
    public async Task Alert_expressions_reference_only_exported_metrics()
    {
        foreach (var (alert, expression) in await AlertsAsync())
        {
            var metrics = MetricsIn(expression).ToList();
            metrics.Should().NotBeEmpty(alert);
            metrics.Should().BeSubsetOf(ExportedMetrics, alert);
        }
    }

    [Fact]
    public async Task Auth_failure_alert_fires_above_five_percent_of_requests()
    {
        var expression = (await AlertsAsync()).Single(alert => alert.Alert == "BastioAuthFailureRatioHigh").Expression;

        expression.Should().Contain("invalid_api_key").And.Contain("missing_api_key").And.Contain("revoked_api_key")
            .And.Contain("/ sum(rate(bastio_gateway_requests_total[5m])) > 0.05");
    }

    [Fact]
    public async Task Dashboard_has_the_panels_named_in_the_issue()
    {
        var dashboard = await DashboardAsync();

        dashboard["panels"]!.AsArray().Select(panel => (string?)panel!["title"]).Should().BeEquivalentTo(
            "Requests", "Errors by code", "Overhead latency", "Rate-limited calls", "Tokens by key and model", "Keys by phase");
        ((string?)dashboard["uid"]).Should().Be("bastio-overview");
    }

    [Fact]
    public async Task Dashboard_queries_reference_only_exported_metrics()
    {
        foreach (var (title, expression) in Panels(await DashboardAsync()))
        {
            var metrics = MetricsIn(expression).ToList();
            metrics.Should().NotBeEmpty(title);
            metrics.Should().BeSubsetOf(ExportedMetrics, title);
        }
    }

    [Fact]
    public async Task Dashboard_config_map_carries_the_grafana_sidecar_label()
    {
        var configMap = (await Helm.AllFeatures).Single("ConfigMap", "bastio-dashboard");

        ((string?)configMap["metadata.labels"]!["grafana_dashboard"]).Should().Be("1");
        configMap.Namespace.Should().Be("monitoring");
    }

    [Fact]
    public async Task Service_monitors_select_the_metrics_services_by_label_and_port()
    {
        var chart = await Helm.AllFeatures;

        foreach (var component in new[] { "operator", "gateway" })
        {
            var monitor = chart.Single("ServiceMonitor", $"bastio-{component}");
            var selector = monitor["spec.selector.matchLabels"]!.AsObject().ToDictionary(label => label.Key, label => (string?)label.Value);
            var selected = chart.OfKind("Service").Where(service => selector.All(label =>
                (string?)service["metadata.labels"]![label.Key] == label.Value)).ToList();

            selected.Should().ContainSingle(component).Which.Name.Should().Be($"bastio-{component}-metrics");
            var port = (string?)monitor["spec.endpoints"]![0]!["port"];
            selected[0]["spec.ports"]!.AsArray().Should().Contain(servicePort => (string?)servicePort!["name"] == port);
            ((string?)monitor["spec.endpoints"]![0]!["path"]).Should().Be("/metrics");
        }
    }

    [Fact]
    public async Task Monitoring_objects_are_opt_in()
    {
        var kinds = (await Helm.Default).Manifests.Select(manifest => manifest.Kind);

        kinds.Should().NotContain(["ServiceMonitor", "PrometheusRule", "ConfigMap", "NetworkPolicy", "Ingress"]);
    }
}
