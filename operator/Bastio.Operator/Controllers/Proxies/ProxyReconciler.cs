using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers.ProviderKeys;

namespace Bastio.Operator.Controllers.Proxies;

/// <summary>Validates a Proxy's provider and upstream and reports its key counts and readiness.</summary>
internal sealed class ProxyReconciler(ResourceClients clients, OperatorCaches caches, TimeProvider timeProvider) : IReconciler
{
    public const string Ready = "Ready";

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
            Conditions = ConditionCopies.Of(proxy.Status?.Conditions),
            ApiKeys = caches.ApiKeys.Store.ByIndex(OperatorCaches.ByProxy, indexKey).Count,
            ProviderKeys = providerKeys.Count,
        };

        var (ready, reason, message) = Problem(proxy) is { } problem
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

    private static bool IsUsable(ProviderKey providerKey) =>
        providerKey.Status?.Phase is ProviderKeyReconciler.Phases.Active or ProviderKeyReconciler.Phases.Migrating
        && Conditions.IsTrue(providerKey.Status.Conditions, ProviderKeyReconciler.Ready);
}
