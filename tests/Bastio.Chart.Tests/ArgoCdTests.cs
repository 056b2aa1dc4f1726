using System.Text.Json.Nodes;
using Bastio.Chart.Tests.Infrastructure;

namespace Bastio.Chart.Tests;

public sealed class ArgoCdTests
{
    private static readonly string Health = Repository.At("deploy", "argocd", "health");

    private static JsonNode Resource(string kind, string? status, long generation = 1) => JsonNode.Parse($$"""
        {"apiVersion": "bastio.io/v1alpha1", "kind": "{{kind}}", "metadata": {"name": "sample", "namespace": "team-a", "generation": {{generation}}},
         "spec": {}{{(status is null ? "" : $", \"status\": {status}")}}}
        """)!;

    private static Task<HealthStatus> Check(string script, JsonNode resource) => Lua.RunHealthCheckAsync(Path.Combine(Health, script), resource);

    private const string ReadyTrue = """{"type": "Ready", "status": "True", "reason": "KeyDelivered", "message": ""}""";

    public static TheoryData<string?, string, string> ApiKeys => new()
    {
        { null, "Progressing", "Waiting for the operator" },
        { """{"phase": "Pending", "observedGeneration": 1}""", "Progressing", "Pending" },
        { $$"""{"phase": "Active", "keyId": "2iqbAbCdEfGh", "observedGeneration": 1, "conditions": [{{ReadyTrue}}]}""", "Healthy", "Active, key id 2iqbAbCdEfGh" },
        { """{"phase": "Active", "observedGeneration": 1, "conditions": [{"type": "Ready", "status": "False", "reason": "ProxyNotFound", "message": "Proxy openai not found"}]}""", "Degraded", "Active but not Ready: Proxy openai not found" },
        { """{"phase": "Disabled", "observedGeneration": 1}""", "Suspended", "Disabled" },
        { """{"phase": "Expired", "observedGeneration": 1, "conditions": [{"type": "Ready", "status": "False", "reason": "Expired", "message": "expired at 2026-01-01T00:00:00Z"}]}""", "Degraded", "Expired: expired at 2026-01-01T00:00:00Z" },
        { """{"phase": "Revoked", "observedGeneration": 1}""", "Degraded", "Revoked" },
        { """{"phase": "Invalid", "observedGeneration": 1, "conditions": [{"type": "Ready", "status": "False", "reason": "InvalidSpec", "message": "unknown plan gold"}]}""", "Degraded", "Invalid: unknown plan gold" },
        { """{"phase": "Sleeping", "observedGeneration": 1}""", "Unknown", "Unknown phase Sleeping" },
    };

    [Theory]
    [MemberData(nameof(ApiKeys))]
    public async Task ApiKey_health_follows_phase_and_ready_condition(string? status, string expected, string message)
    {
        var health = await Check("apikey.lua", Resource("ApiKey", status));

        health.Should().Be(new HealthStatus(expected, message));
    }

    public static TheoryData<string?, string, string> ProviderKeys => new()
    {
        { null, "Progressing", "Waiting for the operator" },
        { """{"phase": "Active", "observedGeneration": 1, "conditions": [{"type": "Validated", "status": "True", "reason": "Validated"}]}""", "Healthy", "Active" },
        { """{"phase": "Active", "observedGeneration": 1, "conditions": [{"type": "Validated", "status": "Unknown", "reason": "ProviderUnreachable"}]}""", "Healthy", "Active; provider unreachable at the last validation" },
        { """{"phase": "Active", "observedGeneration": 1, "conditions": [{"type": "Validated", "status": "False", "reason": "InvalidCredentials"}]}""", "Degraded", "Provider refuses the key (InvalidCredentials)" },
        { """{"phase": "Invalid", "observedGeneration": 1}""", "Degraded", "Provider refuses the key" },
        { """{"phase": "Migrating", "observedGeneration": 1}""", "Progressing", "Migrating traffic from the key it replaces" },
        { """{"phase": "Retired", "observedGeneration": 1}""", "Healthy", "Retired" },
        { """{"phase": "Disabled", "observedGeneration": 1}""", "Suspended", "Disabled" },
    };

    [Theory]
    [MemberData(nameof(ProviderKeys))]
    public async Task ProviderKey_health_follows_phase_and_validation(string? status, string expected, string message)
    {
        var health = await Check("providerkey.lua", Resource("ProviderKey", status));

        health.Should().Be(new HealthStatus(expected, message));
    }

    public static TheoryData<string?, string, string> Proxies => new()
    {
        { null, "Progressing", "Waiting for the operator" },
        { """{"observedGeneration": 1, "apiKeys": 2, "providerKeys": 1, "conditions": [{"type": "Ready", "status": "True", "reason": "ProviderKeyAvailable"}]}""", "Healthy", "Ready" },
        { """{"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "False", "reason": "NoProviderKey", "message": "no usable ProviderKey"}]}""", "Degraded", "no usable ProviderKey" },
        { """{"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "Unknown", "reason": "Validating", "message": "validating provider keys"}]}""", "Progressing", "validating provider keys" },
    };

    [Theory]
    [MemberData(nameof(Proxies))]
    public async Task Proxy_health_follows_the_ready_condition(string? status, string expected, string message)
    {
        var health = await Check("proxy.lua", Resource("Proxy", status));

        health.Should().Be(new HealthStatus(expected, message));
    }

    [Theory]
    [InlineData("apikey.lua", "ApiKey", """{"phase": "Active", "observedGeneration": 2}""")]
    [InlineData("providerkey.lua", "ProviderKey", """{"phase": "Active", "observedGeneration": 2}""")]
    [InlineData("proxy.lua", "Proxy", """{"observedGeneration": 2, "conditions": [{"type": "Ready", "status": "True"}]}""")]
    public async Task A_status_older_than_the_spec_is_progressing(string script, string kind, string status)
    {
        var health = await Check(script, Resource(kind, status, generation: 3));

        health.Should().Be(new HealthStatus("Progressing", "Waiting for the operator to observe generation 3"));
    }

    [Theory]
    [InlineData("""{"health": {"status": "Healthy"}}""", "Healthy")]
    [InlineData("""{"health": {"status": "Degraded", "message": "ApiKey revoked"}}""", "Degraded")]
    [InlineData(null, "Progressing")]
    public async Task Application_health_reports_the_child_application_health(string? status, string expected)
    {
        var application = JsonNode.Parse($$"""{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "bastio"}{{(status is null ? "" : $", \"status\": {status}")}}}""")!;

        var health = await Check("application.lua", application);

        health.Status.Should().Be(expected);
    }

    [Fact]
    public void Argocd_cm_snippet_embeds_the_health_scripts_verbatim()
    {
        var configMap = Manifests.Parse(File.ReadAllText(Repository.At("deploy", "argocd", "argocd-cm.yaml"))).Single();

        var data = configMap["data"]!.AsObject().ToDictionary(entry => entry.Key, entry => (string)entry.Value!);
        data.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["resource.customizations.health.bastio.io_ApiKey"] = File.ReadAllText(Path.Combine(Health, "apikey.lua")),
            ["resource.customizations.health.bastio.io_ProviderKey"] = File.ReadAllText(Path.Combine(Health, "providerkey.lua")),
            ["resource.customizations.health.bastio.io_Proxy"] = File.ReadAllText(Path.Combine(Health, "proxy.lua")),
            ["resource.customizations.health.argoproj.io_Application"] = File.ReadAllText(Path.Combine(Health, "application.lua")),
        });
    }

    [Fact]
    public void Example_applications_sync_the_chart_before_the_custom_resources()
    {
        var applications = Manifests.Parse(File.ReadAllText(Repository.At("deploy", "argocd", "application.yaml")))
            .ToDictionary(application => application.Name);

        applications.Keys.Should().BeEquivalentTo("bastio", "bastio-tenant-keys");
        var chartWave = int.Parse((string)applications["bastio"]["metadata.annotations"]!["argocd.argoproj.io/sync-wave"]!, System.Globalization.CultureInfo.InvariantCulture);
        var keysWave = int.Parse((string)applications["bastio-tenant-keys"]["metadata.annotations"]!["argocd.argoproj.io/sync-wave"]!, System.Globalization.CultureInfo.InvariantCulture);
        chartWave.Should().BeLessThan(keysWave);

        Directory.Exists(Repository.At((string)applications["bastio"]["spec.source.path"]!)).Should().BeTrue();
        Directory.Exists(Repository.At((string)applications["bastio-tenant-keys"]["spec.source.path"]!)).Should().BeTrue();
        applications["bastio-tenant-keys"]["spec.syncPolicy.syncOptions"]!.AsArray().Select(option => (string?)option)
            .Should().Contain("SkipDryRunOnMissingResource=true");
    }
}
