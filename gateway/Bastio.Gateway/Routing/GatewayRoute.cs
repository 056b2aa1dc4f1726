using Bastio.Gateway.Errors;

namespace Bastio.Gateway.Routing;

/// <summary>
/// A family of provider routes. Instances are static, so matching allocates nothing and the
/// <see cref="Name"/> is a bounded metrics label (never the raw path).
/// </summary>
internal sealed class GatewayRoute
{
    internal GatewayRoute(string name, Permissions permission, bool answeredByGateway = false)
    {
        Name = name;
        Permission = permission;
        AnsweredByGateway = answeredByGateway;
        Forbidden = GatewayErrors.InsufficientPermissions(PermissionNames.ToName(permission));
    }

    /// <summary>Metrics and access-log label, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Name { get; }

    /// <summary>The permission the route needs; <see cref="Permissions.Admin"/> for routes outside the table.</summary>
    public Permissions Permission { get; }

    /// <summary><c>/v1/usage</c>: the gateway answers from its own counters instead of forwarding.</summary>
    public bool AnsweredByGateway { get; }

    /// <summary>Prebuilt 403 naming <see cref="Permission"/>.</summary>
    internal GatewayError Forbidden { get; }

    /// <summary>True when a key holding <paramref name="granted"/> may call this route (admin may call every route).</summary>
    public bool IsAllowed(Permissions granted) => (granted & (Permission | Permissions.Admin)) != 0;
}
