using System.Text.Json.Nodes;

namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>One RBAC rule as rendered, and where it applies (null namespace = cluster-wide).</summary>
internal sealed record Grant(string RoleKind, string RoleName, string? Namespace, IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames)
{
    public bool Covers(string apiGroup, string resource) => ApiGroups.Contains(apiGroup) && Resources.Contains(resource);

    public override string ToString() =>
        $"{RoleKind}/{RoleName} in {Namespace ?? "cluster"}: [{string.Join(",", ApiGroups)}] [{string.Join(",", Resources)}] " +
        $"[{string.Join(",", Verbs)}]{(ResourceNames.Count > 0 ? $" names [{string.Join(",", ResourceNames)}]" : "")}";
}

/// <summary>Reads the permissions a rendered chart gives to a subject, following its bindings the way the API server does.</summary>
internal static class Rbac
{
    public static IEnumerable<Manifest> Roles(RenderedChart chart) =>
        chart.Manifests.Where(manifest => manifest.Kind is "Role" or "ClusterRole");

    public static IReadOnlyList<Grant> RulesOf(Manifest role, string? bindingNamespace) =>
        (role["rules"]?.AsArray() ?? []).Select(rule => new Grant(
            role.Kind,
            role.Name,
            role.Kind == "Role" ? role.Namespace : bindingNamespace,
            Strings(rule!["apiGroups"]),
            Strings(rule["resources"]),
            Strings(rule["verbs"]),
            Strings(rule["resourceNames"]))).ToList();

    /// <summary>Every rule granted to a ServiceAccount of the release namespace through the chart's bindings.</summary>
    public static IReadOnlyList<Grant> GrantsOf(RenderedChart chart, string serviceAccount)
    {
        var grants = new List<Grant>();
        foreach (var binding in chart.Manifests.Where(manifest => manifest.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subjects = binding["subjects"]?.AsArray() ?? [];
            if (!subjects.Any(subject => (string?)subject!["kind"] == "ServiceAccount"
                    && (string?)subject["name"] == serviceAccount && (string?)subject["namespace"] == Helm.Namespace))
            {
                continue;
            }

            var roleKind = (string)binding["roleRef.kind"]!;
            var roleName = (string)binding["roleRef.name"]!;
            var role = chart.Manifests.SingleOrDefault(manifest => manifest.Kind == roleKind && manifest.Name == roleName
                    && (roleKind == "ClusterRole" || manifest.Namespace == binding.Namespace))
                ?? throw new InvalidOperationException($"{binding} refers to {roleKind} {roleName}, which the chart does not render.");
            grants.AddRange(RulesOf(role, binding.Kind == "ClusterRoleBinding" ? null : binding.Namespace));
        }

        return grants;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(item => (string)item!).ToList() : [];
}
