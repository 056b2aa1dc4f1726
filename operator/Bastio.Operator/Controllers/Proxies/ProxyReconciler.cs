using System.Net;
using Bastio.Core.Networking;
using Bastio.Crds;
using Bastio.Crds.Validation;
using Bastio.Crds.Vocabulary;
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
            Conditions = ObjectCopy.Of(proxy.Status?.Conditions),
            ApiKeys = caches.ApiKeys.Store.ByIndex(OperatorCaches.ByProxy, indexKey).Count,
            ProviderKeys = providerKeys.Count,
        };

        var (ready, reason, message) = Readiness(proxy, providerKeys, options.UpstreamAddresses);
        Conditions.Set(status, ProxyConditions.Ready, ready ? Conditions.True : Conditions.False, reason, message, proxy.Metadata.Generation, now);
        await StatusWriter.WriteAsync(clients.Proxies, BastioJsonContext.Default.Proxy, proxy, p => p.Status = status, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The Ready condition's status, reason and message; the spec is judged by <see cref="ProxyValidation"/>, as the gateway judges it.</summary>
    internal static (bool Ready, string Reason, string Message) Readiness(Proxy proxy, IReadOnlyList<ProviderKey> providerKeys, UpstreamAddressPolicy addresses)
    {
        var validation = ProxyValidation.Validate(proxy.Spec);
        var problem = validation.Problem ?? AddressProblem(proxy.Spec.Upstream, validation.Valid!.Upstream, providerKeys, addresses);
        return problem is not null
            ? (false, problem.Reason, problem.Message)
            : providerKeys.Any(IsUsable)
                ? (true, ProxyConditions.Ready, "At least one ProviderKey is usable.")
                : (false, ProxyConditions.NoUsableProviderKey, "No ProviderKey of this proxy is ready; the gateway answers proxy_not_ready.");
    }

    private static SpecProblem? AddressProblem(string upstreamText, Uri upstream, IReadOnlyList<ProviderKey> providerKeys, UpstreamAddressPolicy addresses)
    {
        var refused = IPAddress.TryParse(upstream.Host.Trim('[', ']'), out var literal)
            ? !addresses.IsAllowed(literal)
            : providerKeys.Any(p => p.Status?.ValidatedUpstream == upstreamText
                && Conditions.Find(p.Status.Conditions, ProviderKeyConditions.Validated)?.Reason == ProviderKeyConditions.UpstreamNotAllowed);
        return refused ? new SpecProblem(ProviderKeyConditions.UpstreamNotAllowed, UpstreamNotAllowedMessage) : null;
    }

    private static bool IsUsable(ProviderKey providerKey) =>
        providerKey.Status?.Phase is ProviderKeyPhases.Active or ProviderKeyPhases.Migrating
        && Conditions.IsTrue(providerKey.Status.Conditions, ProviderKeyConditions.Ready);
}
