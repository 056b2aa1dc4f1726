using System.Collections.Frozen;
using Bastio.Core.Keys;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Networking;
using Yarp.ReverseProxy.Forwarder;

namespace Bastio.Gateway.Configuration;

/// <summary>A Proxy as the gateway serves it.</summary>
internal sealed class ProxyEntry
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required ProviderKind Provider { get; init; }

    /// <summary><c>spec.upstream</c> without a trailing slash; request paths after <c>/v1</c> are appended.</summary>
    public required string Upstream { get; init; }

    public required KeyEnvironment Environment { get; init; }

    /// <summary>Null when every model is allowed.</summary>
    public FrozenSet<string>? AllowedModels { get; init; }

    public IpAllowList? IpAllowList { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>YARP's per-request settings for this proxy (idle timeout = <see cref="Timeout"/>), built once, not per request.</summary>
    public ForwarderRequestConfig ForwarderConfig => field ??= new() { ActivityTimeout = Timeout };

    /// <summary>Usable provider keys; empty means requests get <c>proxy_not_ready</c>.</summary>
    public IReadOnlyList<ProviderKeyEntry> ProviderKeys { get; init; } = [];

    public override string ToString() => $"{Namespace}/{Name}";
}
