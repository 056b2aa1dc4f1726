using System.Text;
using System.Text.Json;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class SerializationTests
{
    [Fact]
    public void Times_are_written_in_UTC_with_whole_seconds()
    {
        var map = new ConfigMap
        {
            Metadata = new ObjectMeta
            {
                Name = "m",
                CreationTimestamp = new DateTimeOffset(2025, 1, 1, 12, 0, 0, 123, TimeSpan.FromHours(2)),
            },
        };

        var json = JsonSerializer.Serialize(map, KubernetesJsonContext.Default.ConfigMap);

        json.Should().Contain("\"creationTimestamp\":\"2025-01-01T10:00:00Z\"");
    }

    [Fact]
    public void Lease_times_are_MicroTime_with_six_fractional_digits()
    {
        var lease = new Lease
        {
            Spec = new LeaseSpec
            {
                HolderIdentity = "a",
                RenewTime = new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567),
                AcquireTime = new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero),
            },
        };

        var json = JsonSerializer.Serialize(lease, KubernetesJsonContext.Default.Lease);

        json.Should().Contain("\"renewTime\":\"2025-01-01T10:00:00.123456Z\"")
            .And.Contain("\"acquireTime\":\"2025-01-01T10:00:00.000000Z\"");
        JsonSerializer.Deserialize(json, KubernetesJsonContext.Default.Lease)!.Spec.RenewTime!.Value.Ticks
            .Should().Be(new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234560).Ticks);
    }

    [Fact]
    public void Nulls_are_omitted_and_names_are_camelCase()
    {
        var json = JsonSerializer.Serialize(new Secret { Metadata = new ObjectMeta { Name = "s" }, Type = "Opaque" }, KubernetesJsonContext.Default.Secret);

        json.Should().Be("{\"type\":\"Opaque\",\"metadata\":{\"name\":\"s\"}}");
    }

    [Fact]
    public void Secret_data_travels_as_base64()
    {
        var secret = new Secret { Data = new() { ["apiKey"] = Encoding.UTF8.GetBytes("hello") } };

        var json = JsonSerializer.Serialize(secret, KubernetesJsonContext.Default.Secret);
        var back = JsonSerializer.Deserialize("{\"data\":{\"k\":\"d29ybGQ=\"}}", KubernetesJsonContext.Default.Secret)!;

        json.Should().Contain("\"data\":{\"apiKey\":\"aGVsbG8=\"}");
        Encoding.UTF8.GetString(back.Data!["k"]).Should().Be("world");
    }

    [Theory]
    [InlineData("2025-01-01T10:00:00Z")]
    [InlineData("2025-01-01T10:00:00.123456Z")]
    [InlineData("2025-01-01T12:00:00+02:00")]
    public void Times_from_the_server_parse_in_any_RFC3339_form(string text)
    {
        var meta = JsonSerializer.Deserialize($"{{\"metadata\":{{\"deletionTimestamp\":\"{text}\"}}}}", KubernetesJsonContext.Default.ConfigMap)!.Metadata;

        meta.DeletionTimestamp!.Value.UtcDateTime.Should().BeCloseTo(new DateTime(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_malformed_time_is_a_JsonException_naming_the_value()
    {
        var act = () => JsonSerializer.Deserialize("{\"metadata\":{\"creationTimestamp\":\"yesterday\"}}", KubernetesJsonContext.Default.ConfigMap);

        act.Should().Throw<JsonException>().WithMessage("*yesterday*");
    }

    [Fact]
    public void A_rotation_CronJob_serializes_the_fields_the_operator_sets()
    {
        var cronJob = new CronJob
        {
            Metadata = new ObjectMeta { Name = "rotate", Namespace = "bastio-system" },
            Spec = new CronJobSpec
            {
                Schedule = "0 3 * * *",
                ConcurrencyPolicy = "Forbid",
                SuccessfulJobsHistoryLimit = 1,
                FailedJobsHistoryLimit = 3,
                StartingDeadlineSeconds = 300,
                JobTemplate = new JobTemplateSpec
                {
                    Spec = new JobSpec
                    {
                        BackoffLimit = 2,
                        ActiveDeadlineSeconds = 600,
                        Template = new PodTemplateSpec
                        {
                            Spec = new PodSpec
                            {
                                ServiceAccountName = "bastio-operator",
                                RestartPolicy = "Never",
                                SecurityContext = new PodSecurityContext { RunAsNonRoot = true },
                                Containers =
                                [
                                    new Container
                                    {
                                        Name = "rotate",
                                        Image = "bastio/operator:1",
                                        Args = ["rotate", "--name", "k"],
                                        Env = [new EnvVar { Name = "NS", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.namespace" } } }],
                                        SecurityContext = new SecurityContext { ReadOnlyRootFilesystem = true, Capabilities = new Capabilities { Drop = ["ALL"] } },
                                        Resources = new ResourceRequirements { Limits = new() { ["memory"] = "64Mi" } },
                                    },
                                ],
                            },
                        },
                    },
                },
            },
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(cronJob, KubernetesJsonContext.Default.CronJob));
        var spec = json.RootElement.GetProperty("spec");
        var pod = spec.GetProperty("jobTemplate").GetProperty("spec").GetProperty("template").GetProperty("spec");

        spec.GetProperty("concurrencyPolicy").GetString().Should().Be("Forbid");
        spec.GetProperty("startingDeadlineSeconds").GetInt64().Should().Be(300);
        spec.GetProperty("jobTemplate").GetProperty("spec").GetProperty("backoffLimit").GetInt32().Should().Be(2);
        pod.GetProperty("serviceAccountName").GetString().Should().Be("bastio-operator");
        pod.GetProperty("containers")[0].GetProperty("env")[0].GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString()
            .Should().Be("metadata.namespace");
        pod.GetProperty("containers")[0].GetProperty("securityContext").GetProperty("capabilities").GetProperty("drop")[0].GetString().Should().Be("ALL");
    }

    [Fact]
    public void A_CRD_round_trips_its_schema_and_reads_status_conditions()
    {
        const string json = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
              "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object"}}}},
                "additionalPrinterColumns":[{"name":"Phase","type":"string","jsonPath":".status.phase"}]}]},
             "status":{"conditions":[{"type":"Established","status":"True","reason":"InitialNamesAccepted","message":"ok","lastTransitionTime":"2025-01-01T10:00:00Z"}]}}
            """;

        var crd = JsonSerializer.Deserialize(json, KubernetesJsonContext.Default.CustomResourceDefinition)!;
        var again = JsonSerializer.Serialize(crd, KubernetesJsonContext.Default.CustomResourceDefinition);

        crd.Spec.Versions[0].Subresources!.Status.Should().NotBeNull();
        crd.Status!.Conditions!.Should().ContainSingle(c => c.Type == "Established" && c.Status == "True");
        again.Should().Contain("\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\"}}}")
            .And.Contain("\"status\":{}");
    }
}
