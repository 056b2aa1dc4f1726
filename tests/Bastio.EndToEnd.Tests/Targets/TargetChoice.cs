namespace Bastio.EndToEnd.Tests.Targets;

/// <summary>
/// Which system the suite runs against. With <c>BASTIO_E2E_KUBECONFIG</c> and <c>BASTIO_E2E_GATEWAY_URL</c>
/// set (what <c>make e2e</c> does against k3d), that cluster and gateway; otherwise the suite starts the
/// local system with the real <c>make run</c> orchestrator.
/// </summary>
public sealed record TargetChoice(string? Kubeconfig, Uri? GatewayUrl, string Namespace, string Proxy)
{
    public const string KubeconfigVariable = "BASTIO_E2E_KUBECONFIG";
    public const string GatewayUrlVariable = "BASTIO_E2E_GATEWAY_URL";

    /// <summary>Namespace of the examples on the external cluster (default <c>default</c>).</summary>
    public const string NamespaceVariable = "BASTIO_E2E_NAMESPACE";

    /// <summary>The Proxy the suite creates its keys for (default the example <c>openai</c>).</summary>
    public const string ProxyVariable = "BASTIO_E2E_PROXY";

    public bool IsExternal => Kubeconfig is not null;

    public static TargetChoice FromEnvironment(Func<string, string?> getVariable)
    {
        var kubeconfig = NullIfEmpty(getVariable(KubeconfigVariable));
        var gateway = NullIfEmpty(getVariable(GatewayUrlVariable));
        var ns = NullIfEmpty(getVariable(NamespaceVariable)) ?? "default";
        var proxy = NullIfEmpty(getVariable(ProxyVariable)) ?? "openai";
        if ((kubeconfig is null) != (gateway is null))
        {
            var missing = kubeconfig is null ? KubeconfigVariable : GatewayUrlVariable;
            throw new InvalidOperationException(
                $"{KubeconfigVariable} and {GatewayUrlVariable} go together: {missing} is not set. Set both to test a real cluster, neither to test `make run`.");
        }

        if (gateway is null)
        {
            return new(null, null, ns, proxy);
        }

        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var gatewayUrl) || gatewayUrl.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{GatewayUrlVariable}={gateway} is not an http(s) URL");
        }

        if (!File.Exists(kubeconfig))
        {
            throw new InvalidOperationException($"{KubeconfigVariable}={kubeconfig} does not exist");
        }

        // The OpenAI SDKs take the base URL including /v1, as make run prints it.
        var withVersion = gatewayUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal)
            ? gatewayUrl
            : new Uri(gatewayUrl.ToString().TrimEnd('/') + "/v1");
        return new(Path.GetFullPath(kubeconfig!), withVersion, ns, proxy);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
