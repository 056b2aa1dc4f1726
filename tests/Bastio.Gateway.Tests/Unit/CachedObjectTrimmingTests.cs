using Bastio.Crds;
using Bastio.Gateway.Configuration;
using k8s;
using k8s.Models;

namespace Bastio.Gateway.Tests.Unit;

/// <summary>The gateways' own status.usage reports must not rebuild the snapshot; every change the gateway reads must.</summary>
public sealed class CachedObjectTrimmingTests
{
    private static ApiKey Cached(Action<ApiKey>? change = null)
    {
        var apiKey = new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "team-a", Uid = "uid-1", ResourceVersion = "1" },
            Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, Budget = new Budget { Amount = "25" } },
            Status = new ApiKeyStatus { Phase = "Active", KeyId = "AAAAAAAAAAAA", Usage = new ApiKeyUsage { Tokens = 1 } },
        };
        change?.Invoke(apiKey);
        CachedObjectTrimming.ApiKey(apiKey);
        return apiKey;
    }

    [Fact]
    public void A_usage_report_serves_the_same()
    {
        var after = Cached(apiKey =>
        {
            apiKey.Metadata.ResourceVersion = "2";
            apiKey.Status!.Usage = new ApiKeyUsage { Tokens = 99, Cost = "1.5", BudgetUsedPercent = 6 };
        });

        CachedObjectTrimming.ServesTheSame(Cached(), after).Should().BeTrue();
    }

    [Theory]
    [InlineData("budget")]
    [InlineData("phase")]
    [InlineData("uid")]
    [InlineData("deleting")]
    public void A_change_the_gateway_reads_does_not(string what)
    {
        var after = Cached(apiKey =>
        {
            switch (what)
            {
                case "budget": apiKey.Spec.Budget!.Amount = "30"; break;
                case "phase": apiKey.Status!.Phase = "Revoked"; break;
                case "uid": apiKey.Metadata.Uid = "uid-2"; break;
                default: apiKey.Metadata.DeletionTimestamp = DateTime.UnixEpoch; break;
            }
        });

        CachedObjectTrimming.ServesTheSame(Cached(), after).Should().BeFalse();
    }
}
