using System.Net;
using Bastio.Core.Time;
using Bastio.Crds.Vocabulary;

namespace Bastio.Crds.Validation;

/// <summary>
/// Checks what the CRD schema cannot: references to other objects and values parsed by the
/// operator. The messages name the field and the value, never key material (specs hold none).
/// A problem is reported as phase Invalid and in the Ready condition.
/// </summary>
public static class ApiKeyValidation
{
    public const string ProxyNotFound = "ProxyNotFound";
    public const string ProxyInvalid = "ProxyInvalid";
    public const string PlanNotFound = "PlanNotFound";
    public const string InvalidSpec = "InvalidSpec";

    public static SpecProblem? Validate(ApiKey apiKey, Proxy? proxy)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var spec = apiKey.Spec;

        if (string.IsNullOrEmpty(spec.ProxyRef.Name))
        {
            return new(InvalidSpec, "spec.proxyRef.name is required.");
        }

        if (proxy is null)
        {
            return new(ProxyNotFound, $"Proxy '{spec.ProxyRef.Name}' does not exist in namespace '{apiKey.Metadata.NamespaceProperty}'.");
        }

        // A key on a Proxy the gateway will not serve is refused there (invalid_api_key), so the operator
        // says so too, with the Proxy's own reason, instead of reporting a key that cannot be used as Active.
        if (ProxyValidation.Validate(proxy.Spec).Problem is { } proxyProblem)
        {
            return new(ProxyInvalid, $"Proxy '{spec.ProxyRef.Name}' cannot be served ({proxyProblem.Reason}): {proxyProblem.Message}");
        }

        if (spec.Plan is { Length: > 0 } plan)
        {
            if (spec.RateLimit is not null)
            {
                return new(InvalidSpec, "spec.plan and spec.rateLimit are exclusive: set one.");
            }

            if (proxy.Spec.Plans is null || !proxy.Spec.Plans.ContainsKey(plan))
            {
                return new(PlanNotFound, $"Proxy '{spec.ProxyRef.Name}' has no plan '{plan}'.");
            }
        }

        if (spec.Permissions?.FirstOrDefault(p => !ApiKeyPermissions.All.Contains(p)) is { } unknown)
        {
            return new(InvalidSpec, $"spec.permissions has an unknown permission '{unknown}'.");
        }

        if (spec.IpAllowList?.FirstOrDefault(entry => !IsAddressOrNetwork(entry)) is { } badEntry)
        {
            return new(InvalidSpec, $"spec.ipAllowList entry '{badEntry}' is not an IP address or CIDR.");
        }

        if (spec.Rotation is { } rotation)
        {
            if (!CronSchedule.TryParse(rotation.Schedule, out _, out var cronError))
            {
                return new(InvalidSpec, $"spec.rotation.schedule '{rotation.Schedule}' is not a 5-field cron expression: {cronError}");
            }

            if (rotation.GracePeriod is { Length: > 0 } grace && (!GoDuration.TryParse(grace, out var gracePeriod) || gracePeriod < TimeSpan.Zero))
            {
                return new(InvalidSpec, $"spec.rotation.gracePeriod '{grace}' is not a duration such as 24h or 0s.");
            }
        }

        return null;
    }

    private static bool IsAddressOrNetwork(string entry) =>
        IPAddress.TryParse(entry, out _) || IPNetwork.TryParse(entry, out _);
}
