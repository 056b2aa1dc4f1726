using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bastio.Crds.Tests;

public sealed class JsonRoundTripTests
{
    private const string ApiKeyJson = """
        {
          "apiVersion": "bastio.io/v1alpha1",
          "kind": "ApiKey",
          "metadata": {"name": "app", "namespace": "team-a", "uid": "u-1", "resourceVersion": "42", "generation": 3,
                       "annotations": {"bastio.io/rotate-requested-at": "2026-01-01T00:00:00Z"}},
          "spec": {
            "proxyRef": {"name": "openai"},
            "displayName": "App",
            "permissions": ["chat", "models"],
            "rateLimit": {"requests": 60, "period": "minute", "burst": 10},
            "ipAllowList": ["10.0.0.0/8", "2001:db8::/32"],
            "expiresAt": "2027-01-01T00:00:00Z",
            "disabled": false,
            "revoked": false,
            "rotation": {"schedule": "0 3 * * mon", "gracePeriod": "24h"},
            "secretName": "app-key"
          },
          "status": {
            "observedGeneration": 3,
            "conditions": [{"type": "Ready", "status": "True", "observedGeneration": 3, "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "KeyIssued", "message": "ok"}],
            "phase": "Active", "keyId": "2iqbABCDEFGH", "keyPrefix": "bastio_sk_live_2iqb…", "version": 2,
            "createdAt": "2026-01-01T00:00:00Z", "lastRotatedAt": "2026-01-02T00:00:00Z",
            "previousKeyExpiresAt": "2026-01-03T00:00:00Z", "nextRotationAt": "2026-01-05T03:00:00Z",
            "lastRotationRequest": "2026-01-01T00:00:00Z", "secretName": "app-key"
          }
        }
        """;

    private const string ProviderKeyJson = """
        {
          "apiVersion": "bastio.io/v1alpha1",
          "kind": "ProviderKey",
          "metadata": {"name": "openai-2", "namespace": "team-a"},
          "spec": {
            "proxyRef": {"name": "openai"},
            "secretRef": {"name": "openai-credentials", "key": "apiKey"},
            "label": "OpenAI Production",
            "weight": 100,
            "disabled": false,
            "replaces": "openai-1",
            "migration": {"duration": "10m"},
            "validation": {"enabled": true, "interval": "6h"}
          },
          "status": {
            "observedGeneration": 1,
            "conditions": [{"type": "Validated", "status": "Unknown", "reason": "ProviderUnreachable", "message": "timeout", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
            "phase": "Migrating", "fingerprint": "a1b2c3d4", "provider": "openai",
            "lastValidatedAt": "2026-01-01T00:00:00Z",
            "migration": {"startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:10:00Z"}
          }
        }
        """;

    private const string ProxyJson = """
        {
          "apiVersion": "bastio.io/v1alpha1",
          "kind": "Proxy",
          "metadata": {"name": "openai", "namespace": "team-a"},
          "spec": {
            "provider": "openai",
            "upstream": "https://api.openai.com/v1",
            "environment": "staging",
            "allowedModels": ["gpt-4o"],
            "defaults": {"permissions": ["chat"], "rateLimit": {"requests": 10, "period": "second"}},
            "plans": {"free": {"requests": 60, "period": "minute"}, "pro": {"requests": 600, "period": "minute", "burst": 100}},
            "ipAllowList": ["0.0.0.0/0"],
            "timeout": "300s"
          },
          "status": {"observedGeneration": 1, "conditions": [], "apiKeys": 2, "providerKeys": 1}
        }
        """;

    [Fact]
    public void ApiKey_round_trips() => RoundTrip(ApiKeyJson, BastioJsonContext.Default.ApiKey);

    [Fact]
    public void ProviderKey_round_trips() => RoundTrip(ProviderKeyJson, BastioJsonContext.Default.ProviderKey);

    [Fact]
    public void Proxy_round_trips() => RoundTrip(ProxyJson, BastioJsonContext.Default.Proxy);

    [Fact]
    public void The_official_clients_serializer_round_trips_the_custom_resources()
    {
        var providerKey = k8s.KubernetesJson.Deserialize<ProviderKey>(ProviderKeyJson);

        JsonNode.DeepEquals(JsonNode.Parse(k8s.KubernetesJson.Serialize(providerKey)), JsonNode.Parse(ProviderKeyJson)).Should().BeTrue("the official client reads and writes what the generated context does");
    }

    [Fact]
    public void Lists_round_trip()
    {
        var json = $$"""{"apiVersion": "bastio.io/v1alpha1", "kind": "ProxyList", "metadata": {"resourceVersion": "7", "continue": "abc"}, "items": [{{ProxyJson}}]}""";

        var list = JsonSerializer.Deserialize(json, BastioJsonContext.Default.KubernetesListProxy)!;

        list.Items.Should().ContainSingle().Which.Spec.Plans!["pro"].Burst.Should().Be(100);
        list.Metadata.ContinueProperty.Should().Be("abc");
        JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(list, BastioJsonContext.Default.KubernetesListProxy)), JsonNode.Parse(json)).Should().BeTrue();
        JsonSerializer.Deserialize("""{"items": []}""", BastioJsonContext.Default.KubernetesListApiKey)!.Items.Should().BeEmpty();
        JsonSerializer.Deserialize("""{"items": []}""", BastioJsonContext.Default.KubernetesListProviderKey)!.Items.Should().BeEmpty();
    }

    [Fact]
    public void Unset_fields_are_omitted_so_updates_do_not_write_nulls()
    {
        var proxy = new Proxy { Metadata = { Name = "p" }, Spec = { Provider = "openai", Upstream = "https://x" } };

        var json = JsonNode.Parse(JsonSerializer.Serialize(proxy, BastioJsonContext.Default.Proxy))!.AsObject();

        json.ContainsKey("status").Should().BeFalse();
        json["spec"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("provider", "upstream");
        json["metadata"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("name");
    }

    private static void RoundTrip<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var model = JsonSerializer.Deserialize(json, typeInfo)!;
        var written = JsonSerializer.Serialize(model, typeInfo);

        JsonNode.DeepEquals(JsonNode.Parse(written), JsonNode.Parse(json)).Should().BeTrue($"every field must survive a round trip; wrote {written}");
    }
}
