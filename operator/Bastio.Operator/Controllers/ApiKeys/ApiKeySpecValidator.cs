using System.Net;
using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;

namespace Bastio.Operator.Controllers.ApiKeys;

/// <summary>
/// Checks what the CRD schema cannot: references to other objects and values parsed by the
/// operator. The messages name the field and the value, never key material (specs hold none).
/// </summary>
internal static class ApiKeySpecValidator
{
    private static readonly HashSet<string> KnownPermissions =
        ["chat", "completions", "embeddings", "images", "audio", "models", "analytics", "admin"];

    public static ApiKeySpecProblem? Validate(ApiKey apiKey, Proxy? proxy)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var spec = apiKey.Spec;

        if (string.IsNullOrEmpty(spec.ProxyRef.Name))
        {
            return new(ApiKeySpecProblem.InvalidSpec, "spec.proxyRef.name is required.");
        }

        if (proxy is null)
        {
            return new(ApiKeySpecProblem.ProxyNotFound, $"Proxy '{spec.ProxyRef.Name}' does not exist in namespace '{apiKey.Metadata.NamespaceProperty}'.");
        }

        if (!KeyEnvironments.TryFromProxyEnvironment(proxy.Spec.Environment, out _))
        {
            return new(ApiKeySpecProblem.ProxyInvalid, $"Proxy '{spec.ProxyRef.Name}' has an unknown spec.environment '{proxy.Spec.Environment}'.");
        }

        if (spec.Plan is { Length: > 0 } plan)
        {
            if (spec.RateLimit is not null)
            {
                return new(ApiKeySpecProblem.InvalidSpec, "spec.plan and spec.rateLimit are exclusive: set one.");
            }

            if (proxy.Spec.Plans is null || !proxy.Spec.Plans.ContainsKey(plan))
            {
                return new(ApiKeySpecProblem.PlanNotFound, $"Proxy '{spec.ProxyRef.Name}' has no plan '{plan}'.");
            }
        }

        if (spec.Permissions?.FirstOrDefault(p => !KnownPermissions.Contains(p)) is { } unknown)
        {
            return new(ApiKeySpecProblem.InvalidSpec, $"spec.permissions has an unknown permission '{unknown}'.");
        }

        if (spec.IpAllowList?.FirstOrDefault(entry => !IsAddressOrNetwork(entry)) is { } badEntry)
        {
            return new(ApiKeySpecProblem.InvalidSpec, $"spec.ipAllowList entry '{badEntry}' is not an IP address or CIDR.");
        }

        if (spec.Rotation is { } rotation)
        {
            if (!CronSchedule.TryParse(rotation.Schedule, out _, out var cronError))
            {
                return new(ApiKeySpecProblem.InvalidSpec, $"spec.rotation.schedule '{rotation.Schedule}' is not a 5-field cron expression: {cronError}");
            }

            if (rotation.GracePeriod is { Length: > 0 } grace && (!GoDuration.TryParse(grace, out var gracePeriod) || gracePeriod < TimeSpan.Zero))
            {
                return new(ApiKeySpecProblem.InvalidSpec, $"spec.rotation.gracePeriod '{grace}' is not a duration such as 24h or 0s.");
            }
        }

        return null;
    }

    private static bool IsAddressOrNetwork(string entry) =>
        IPAddress.TryParse(entry, out _) || IPNetwork.TryParse(entry, out _);
}
