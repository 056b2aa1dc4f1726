using System.Globalization;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>The gauges behind the expiry and provider-key alerts, read from the admin endpoint as Prometheus would.</summary>
public sealed class MetricsTests
{
    private const string ExpiryGauge = "bastio_operator_apikey_expiry_timestamp_seconds";
    private const string ProviderKeysGauge = "bastio_operator_provider_keys";
    private const string GoodKey = "sk-test-metrics-good-0123456789";

    [Fact]
    public async Task Expiry_gauge_carries_each_active_expiring_key_and_drops_it_when_it_stops_being_active()
    {
        await using var env = await OperatorTestEnvironment.StartAsync();
        await env.CreateProxyAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(3);
        expiresAt = expiresAt.AddTicks(-(expiresAt.Ticks % TimeSpan.TicksPerSecond));
        await env.CreateApiKeyAsync("expiring", s => s.ExpiresAt = expiresAt);
        await env.CreateApiKeyAsync("forever");
        var expiring = await env.WaitForApiKeyAsync("expiring", a => a.Status?.Phase == "Active", "is Active");
        await env.WaitForApiKeyAsync("forever", a => a.Status?.Phase == "Active", "is Active");
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };

        var series = await Eventually.UntilAsync(async () => Series(await http.GetStringAsync("/metrics"), ExpiryGauge, "name=\"expiring\"") is { } line ? line : null, "the expiring key is exported");
        series.Should().Contain("namespace=\"team-a\"").And.Contain($"key_id=\"{expiring.Status!.KeyId}\"");
        Value(series).Should().BeApproximately(expiresAt.ToUnixTimeSeconds(), 0.001);
        Series(await http.GetStringAsync("/metrics"), ExpiryGauge, "name=\"forever\"").Should().BeNull("a key without expiresAt never expires");

        await env.UpdateApiKeyAsync("expiring", a => a.Spec.Disabled = true);
        await env.WaitForApiKeyAsync("expiring", a => a.Status?.Phase == "Disabled", "is Disabled");
        await Eventually.UntilAsync(async () => Series(await http.GetStringAsync("/metrics"), ExpiryGauge, "name=\"expiring\"") is null, "a key that is not Active leaves the gauge");
    }

    [Fact]
    public async Task Provider_key_gauge_counts_by_phase_and_validation()
    {
        await using var provider = await StubProvider.StartAsync(GoodKey);
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.ValidationTimeout = TimeSpan.FromSeconds(5));
        await env.CreateProxyAsync(upstream: provider.Upstream.ToString());
        await ProviderKeyTests.CreateSourceAsync(env, "good", GoodKey);
        await ProviderKeyTests.CreateSourceAsync(env, "bad", "sk-test-metrics-bad-9876543210");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "primary", "good");
        await ProviderKeyTests.CreateProviderKeyAsync(env, "refused", "bad");
        await Eventually.UntilAsync(
            async () => (await env.Api.ProviderKeys.ListAllAsync(OperatorTestEnvironment.Namespace)).Items.All(p => Conditions.Find(p.Status?.Conditions, "Validated")?.Status is "True" or "False"),
            "both keys were validated");
        using var http = new HttpClient { BaseAddress = env.Operator.AdminUrl };

        await Eventually.UntilAsync(
            async () =>
            {
                var text = await http.GetStringAsync("/metrics");
                return Series(text, ProviderKeysGauge, "validated=\"True\"") is { } good && Value(good) == 1 && good.Contains("phase=\"Active\"", StringComparison.Ordinal)
                    && Series(text, ProviderKeysGauge, "validated=\"False\"") is { } refused && Value(refused) == 1;
            },
            "one validated and one refused ProviderKey are counted");
    }

    private static string? Series(string exposition, string metric, string label) =>
        exposition.Split('\n').FirstOrDefault(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));

    private static double Value(string series) => double.Parse(series[(series.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}
