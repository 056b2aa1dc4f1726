using System.Net;
using Bastio.Core.Keys;
using Bastio.Core.Networking;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.ProviderKeys;
using Bastio.Operator.Objects;

namespace Bastio.Operator.Controllers.Proxies;

/// <summary>Validates a Proxy's provider and upstream and reports its key counts and readiness.</summary>
/// <remarks>
/// Whether the upstream is one the address policy (<c>--upstream-allow-cidrs</c>) refuses is decided
/// here only for an IP literal. A host name is judged where it matters, on the addresses actually
/// dialled (<see cref="UpstreamConnector"/>), by its ProviderKeys' validation: this reconciler takes
/// their latest result for the current upstream, so it follows DNS changes as validation does and
/// makes no lookups of its own (it runs on every ApiKey change).
/// </remarks>
internal sealed class ProxyReconciler(ResourceClients clients, OperatorCaches caches, OperatorOptions options, TimeProvider timeProvider) : IReconciler
{
    public const string Ready = "Ready";

    private const string UpstreamNotAllowedMessage = "spec.upstream resolves only to addresses the operator and gateway may not connect to (loopback, private, link-local...); a cluster administrator can allow them with --upstream-allow-cidrs.";

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var proxy = caches.Proxies.Store.Get(key);
        if (proxy is null)
        {
            return ReconcileResult.Done;
        }

        var now = timeProvider.GetUtcNow();
        var indexKey = $"{key.Namespace}/{key.Name}";
        var providerKeys = caches.ProviderKeys.Store.ByIndex(OperatorCaches.ByProxy, indexKey);
        var status = new ProxyStatus
        {
            ObservedGeneration = proxy.Metadata.Generation,
            Conditions = ObjectCopy.Of(proxy.Status?.Conditions, BastioJsonContext.Default.ListCondition),
            ApiKeys = caches.ApiKeys.Store.ByIndex(OperatorCaches.ByProxy, indexKey).Count,
            ProviderKeys = providerKeys.Count,
        };

        var (ready, reason, message) = (Problem(proxy) ?? AddressProblem(proxy, providerKeys)) is { } problem
            ? (false, problem.Reason, problem.Message)
            : providerKeys.Any(IsUsable)
                ? (true, "Ready", "At least one ProviderKey is usable.")
                : (false, "NoUsableProviderKey", "No ProviderKey of this proxy is ready; the gateway answers proxy_not_ready.");
        Conditions.Set(status, Ready, ready ? Conditions.True : Conditions.False, reason, message, proxy.Metadata.Generation, now);
        await StatusWriter.WriteAsync(clients.Proxies, BastioJsonContext.Default.Proxy, proxy, p => p.Status = status, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    internal static (string Reason, string Message)? Problem(Proxy proxy)
    {
        var spec = proxy.Spec;
        if (!ProxyProviders.IsKnown(spec.Provider))
        {
            return ("InvalidProvider", $"spec.provider '{spec.Provider}' is not one of openai, anthropic, azure-openai, openai-compatible.");
        }

        if (!Uri.TryCreate(spec.Upstream, UriKind.Absolute, out var upstream)
            || (upstream.Scheme != Uri.UriSchemeHttps && upstream.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(upstream.UserInfo))
        {
            return ("InvalidUpstream", $"spec.upstream '{spec.Upstream}' is not an absolute http(s) URL without credentials.");
        }

        if (!KeyEnvironments.TryFromProxyEnvironment(spec.Environment, out _))
        {
            return ("InvalidEnvironment", $"spec.environment '{spec.Environment}' is not one of production, staging, development.");
        }

        if (spec.Timeout is { Length: > 0 } timeout && (!GoDuration.TryParse(timeout, out var parsed) || parsed <= TimeSpan.Zero))
        {
            return ("InvalidTimeout", $"spec.timeout '{timeout}' is not a positive duration such as 300s.");
        }

        return null;
    }

    private (string Reason, string Message)? AddressProblem(Proxy proxy, IReadOnlyList<ProviderKey> providerKeys)
    {
        var upstream = new Uri(proxy.Spec.Upstream);
        var refused = IPAddress.TryParse(upstream.Host.Trim('[', ']'), out var literal)
            ? !options.UpstreamAddresses.IsAllowed(literal)
            : providerKeys.Any(p => p.Status?.ValidatedUpstream == proxy.Spec.Upstream
                && Conditions.Find(p.Status.Conditions, ProviderKeyReconciler.Validated)?.Reason == ProviderKeyReconciler.UpstreamNotAllowed);
        return refused ? (ProviderKeyReconciler.UpstreamNotAllowed, UpstreamNotAllowedMessage) : null;
    }

    private static bool IsUsable(ProviderKey providerKey) =>
        providerKey.Status?.Phase is ProviderKeyReconciler.Phases.Active or ProviderKeyReconciler.Phases.Migrating
        && Conditions.IsTrue(providerKey.Status.Conditions, ProviderKeyReconciler.Ready);
}
