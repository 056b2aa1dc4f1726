using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

public sealed class ChartTests
{
    public static TheoryData<string[]> ValueSets => new() { Array.Empty<string>(), new[] { "--values", Helm.AllFeaturesValues } };

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Helm_lint_is_clean(string[] values)
    {
        var result = await Helm.RunAsync(["lint", Repository.Chart, "--strict", .. values]);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("1 chart(s) linted, 0 chart(s) failed")
            .And.NotContain("[WARNING]").And.NotContain("[ERROR]");
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Rendered_manifests_and_crds_validate_against_the_kubernetes_and_prometheus_operator_schemas(string[] values)
    {
        var rendered = await Helm.TemplateAsync(["--include-crds", .. values]);

        var result = await SchemaValidator.ValidateAsync(rendered.Yaml);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().HaveCount(rendered.Manifests.Count).And.OnlyContain(line => line.StartsWith("valid ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task All_features_values_render_every_optional_kind()
    {
        var kinds = (await Helm.AllFeatures).Manifests.Select(manifest => manifest.Kind).Distinct();

        kinds.Should().Contain(["HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "ServiceMonitor",
            "PrometheusRule", "ConfigMap", "NetworkPolicy"]);
    }

    [Fact]
    public async Task The_validator_refuses_a_malformed_object_and_an_unknown_kind()
    {
        const string Yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: broken}
            spec: {replicas: two, selector: {matchLabels: {a: b}}, template: {spec: {containers: [{name: c, image: i}]}}}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: unknown}
            """;

        var result = await SchemaValidator.ValidateAsync(Yaml);

        result.ExitCode.Should().Be(1);
        result.StandardOutput.Should().Contain("invalid apps/v1 Deployment /broken: data/spec/replicas must be integer")
            .And.Contain("unknown example.com/v1 Widget /unknown");
    }

    [Theory]
    [InlineData("operator.replicas=3", "operator.replicas: Must be less than or equal to 2")]
    [InlineData("gateway.bogus=1", "Additional property bogus is not allowed")]
    [InlineData("gateway.maxStaleness=soon", "gateway.maxStaleness: Does not match pattern")]
    [InlineData("gateway.environments={prod}", "gateway.environments.0: gateway.environments.0 must be one of")]
    public async Task Values_schema_refuses_bad_values_with_a_precise_message(string set, string message)
    {
        var result = await Helm.TryTemplateAsync("--set", set);

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain(message);
    }

    [Fact]
    public async Task Gateway_tls_without_a_secret_is_refused()
    {
        var result = await Helm.TryTemplateAsync("--set", "gateway.tls.enabled=true");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("gateway.tls.secretName is required when gateway.tls.enabled");
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Every_object_carries_the_recommended_labels(string[] values)
    {
        var rendered = await Helm.TemplateAsync(values);

        foreach (var manifest in rendered.Manifests)
        {
            var labels = manifest["metadata.labels"]?.AsObject().ToDictionary(label => label.Key, label => (string?)label.Value);
            labels.Should().NotBeNull(manifest.ToString());
            labels.Should().Contain("app.kubernetes.io/name", "bastio")
                .And.Contain("app.kubernetes.io/instance", Helm.Release)
                .And.Contain("app.kubernetes.io/managed-by", "Helm")
                .And.ContainKey("app.kubernetes.io/version")
                .And.ContainKey("helm.sh/chart");
        }
    }
}
