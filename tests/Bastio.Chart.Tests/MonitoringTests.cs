using System.Text.Json.Nodes;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

public sealed class MonitoringTests
{
    internal static async Task<IReadOnlyList<(string Alert, string Expression)>> AlertsAsync() =>
        (await Helm.AllFeatures).Single("PrometheusRule", "bastio")["spec.groups"]!.AsArray()
            .SelectMany(group => group!["rules"]!.AsArray())
            .Select(rule => ((string)rule!["alert"]!, (string)rule["expr"]!))
            .ToList();

    internal static async Task<JsonObject> DashboardAsync()
    {
        var configMap = (await Helm.AllFeatures).Single("ConfigMap", "bastio-dashboard");
        return JsonNode.Parse((string)configMap["data"]!["bastio.json"]!)!.AsObject();
    }

    internal static IEnumerable<(string Title, string Expression)> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().SelectMany(panel => panel!["targets"]!.AsArray()
            .Select(target => ((string)panel["title"]!, (string)target!["expr"]!)));

    [Fact]
    public async Task Alerts_cover_the_failure_modes_operators_page_on()
    {
        var alerts = (await AlertsAsync()).Select(alert => alert.Alert);

        alerts.Should().BeEquivalentTo("BastioAuthFailureRatioHigh", "BastioApiKeyNearRateLimit", "BastioGatewayConfigStale",
            "BastioRotationFailed", "BastioEncryptionKeyMissing", "BastioInvalidApiKeys", "BastioApiKeyExpiringSoon", "BastioInvalidProviderKeys",
            "BastioRateLimitStoreFailing", "BastioBudgetThresholdReached");
    }

    [Fact]
    public async Task The_parser_reports_syntax_errors_and_the_metrics_a_query_reads()
    {
        var parsed = await PromQl.ParseAsync(["sum(rate(bastio_gateway_requests_total[5m])) >", "sum by (le) (rate(a_bucket{x=\"y\"}[5m])) / b"]);

        parsed[0].Errors.Should().NotBeEmpty();
        parsed[1].Errors.Should().BeEmpty();
        parsed[1].Metrics.Should().BeEquivalentTo("a_bucket", "b");
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
