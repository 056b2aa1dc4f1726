using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.ApiKeys;

namespace Bastio.Operator.Tests.Unit;

public sealed class ApiKeyStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Setting_revoked_back_to_false_keeps_the_key_revoked_and_says_why()
    {
        var apiKey = new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a", Generation = 3 },
            Spec = new ApiKeySpec { Revoked = false },
            Status = new ApiKeyStatus { Phase = "Revoked", KeyId = "AAAAAAAAAAAA" },
        };
        var status = ApiKeyStatusBuilder.Start(apiKey);

        ApiKeyStatusBuilder.Revoked(status, apiKey, apiKey.Status, Now);

        status.Phase.Should().Be("Revoked");
        var condition = Conditions.Find(status.Conditions, ApiKeyConditions.Revoked)!;
        condition.Reason.Should().Be(ApiKeyConditions.RevocationIsPermanent);
        condition.Message.Should().Contain("permanent");
        Conditions.IsTrue(status.Conditions, "Ready").Should().BeFalse();
    }

    [Fact]
    public void The_gateways_usage_report_survives_the_operators_status_writes()
    {
        var usage = new ApiKeyUsage { PeriodStart = "2026-11-01T00:00:00Z", Tokens = 42, Cost = "0.5", BudgetUsedPercent = 50 };
        var apiKey = new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a", Generation = 1 },
            Spec = new ApiKeySpec(),
            Status = new ApiKeyStatus { Phase = "Active", KeyId = "AAAAAAAAAAAA", Usage = usage },
        };

        ApiKeyStatusBuilder.Start(apiKey).Usage.Should().BeSameAs(usage);
    }

    [Fact]
    public void Rotation_request_served_by_the_stored_key_is_reported_in_status()
    {
        var apiKey = new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a", Generation = 1, Annotations = new Dictionary<string, string>() { ["bastio.io/rotate-requested-at"] = "t1" } },
            Spec = new ApiKeySpec(),
            Status = new ApiKeyStatus { Phase = "Active" },
        };
        var status = ApiKeyStatusBuilder.Start(apiKey);
        var stored = new StoredKey("AAAAAAAAAAAA", 2, [1], null, [new([2], Now.AddHours(1))], "t1", Now);

        ApiKeyStatusBuilder.Complete(status, apiKey, stored, Bastio.Core.Keys.KeyEnvironment.Live, expired: false, Now);

        status.LastRotationRequest.Should().Be("t1");
        status.LastRotatedAt.Should().Be(Now);
        status.PreviousKeyExpiresAt.Should().Be(Now.AddHours(1));
        status.Version.Should().Be(2);
        Conditions.IsTrue(status.Conditions, ApiKeyConditions.Rotated).Should().BeTrue();
        status.Phase.Should().Be("Active");
    }
}
