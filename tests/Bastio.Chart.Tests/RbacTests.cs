using Bastio.Chart.Tests.Infrastructure;
using Bastio.Core;

namespace Bastio.Chart.Tests;

/// <summary>The rendered RBAC is least-privilege: read from the manifests helm renders, not from the templates.</summary>
public sealed class RbacTests
{
    private const string Gateway = "bastio-gateway";
    private const string Operator = "bastio-operator";
    private const string Rotator = "bastio-rotator";

    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] CustomKinds = ["apikeys", "providerkeys", "proxies"];

    public static TheoryData<string> ValueSets => new() { "default", "all-features" };

    private static Task<RenderedChart> Render(string values) => values == "default" ? Helm.Default : Helm.AllFeatures;

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task No_rule_uses_a_wildcard(string values)
    {
        var chart = await Render(values);

        var grants = Rbac.Roles(chart).SelectMany(role => Rbac.RulesOf(role, null)).ToList();

        grants.Should().NotBeEmpty();
        grants.Should().NotContain(grant => grant.ApiGroups.Contains("*") || grant.Resources.Contains("*")
            || grant.Verbs.Contains("*") || grant.Resources.Any(resource => resource.EndsWith("/*", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Every_binding_refers_to_a_rendered_role_and_every_component_is_bound(string values)
    {
        var chart = await Render(values);

        foreach (var binding in chart.Manifests.Where(manifest => manifest.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            var roleKind = (string?)binding["roleRef.kind"];
            chart.Manifests.Should().Contain(role => role.Kind == roleKind && role.Name == (string?)binding["roleRef.name"]
                && (roleKind == "ClusterRole" || role.Namespace == binding.Namespace), binding.ToString());
        }

        foreach (var account in new[] { Gateway, Operator, Rotator })
        {
            Rbac.GrantsOf(chart, account).Should().NotBeEmpty(because: $"{account} needs permissions to work");
        }
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Gateway_reads_secrets_only_in_the_system_namespace_and_writes_only_its_acknowledgement_leases_events_and_apikey_usage(string values)
    {
        var allGrants = Rbac.GrantsOf(await Render(values), Gateway);
        var leaseGrants = allGrants.Where(grant => grant.Covers("coordination.k8s.io", "leases")).ToList();
        leaseGrants.Should().ContainSingle().Which.Should().Match<Grant>(grant =>
            grant.RoleKind == "Role" && grant.Namespace == Helm.Namespace && grant.Resources.SequenceEqual(new[] { "leases" }));
        leaseGrants[0].Verbs.Should().BeEquivalentTo("get", "create", "update", "delete");
        var grants = allGrants.Except(leaseGrants).ToList();

        var secretGrants = grants.Where(grant => grant.Covers("", "secrets")).ToList();
        secretGrants.Should().ContainSingle().Which.Should().Match<Grant>(grant =>
            grant.RoleKind == "Role" && grant.Namespace == Helm.Namespace);
        secretGrants[0].Verbs.Should().BeEquivalentTo(ReadVerbs);

        // Budget thresholds become Events on the ApiKey, and the period's usage its status.usage.
        var writes = grants.Where(grant => grant.Verbs.Except(ReadVerbs).Any()).ToList();
        writes.Should().HaveCount(2);
        writes.Should().ContainSingle(grant => grant.ApiGroups.SequenceEqual(new[] { "events.k8s.io" }) && grant.Resources.SequenceEqual(new[] { "events" }))
            .Which.Verbs.Should().BeEquivalentTo("create", "patch");
        writes.Should().ContainSingle(grant => grant.ApiGroups.SequenceEqual(new[] { "bastio.io" }) && grant.Resources.SequenceEqual(new[] { "apikeys/status" }))
            .Which.Verbs.Should().BeEquivalentTo("patch");

        grants.Except(writes).Where(grant => grant.Namespace is null).Should().OnlyContain(grant =>
            grant.ApiGroups.SequenceEqual(new[] { "bastio.io" }) && grant.Resources.All(resource => CustomKinds.Contains(resource)));
        grants.Except(writes).SelectMany(grant => grant.Verbs).Distinct().Should().BeEquivalentTo(ReadVerbs);
        grants.Except(writes).Where(grant => grant.ApiGroups.Contains("bastio.io")).SelectMany(grant => grant.Resources)
            .Should().BeEquivalentTo(CustomKinds);
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Rotator_may_only_read_and_patch_apikeys(string values)
    {
        var grants = Rbac.GrantsOf(await Render(values), Rotator);

        grants.Should().OnlyContain(grant => grant.ApiGroups.SequenceEqual(new[] { "bastio.io" })
            && grant.Resources.SequenceEqual(new[] { "apikeys" }));
        grants.SelectMany(grant => grant.Verbs).Distinct().Should().BeEquivalentTo("get", "list", "watch", "patch");
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Operator_gets_exactly_the_resources_it_uses(string values)
    {
        var grants = Rbac.GrantsOf(await Render(values), Operator);

        var resources = grants.SelectMany(grant => grant.ApiGroups.SelectMany(group =>
            grant.Resources.Select(resource => $"{group}/{resource}"))).Distinct();
        var expected = new List<string>
        {
            "bastio.io/apikeys", "bastio.io/providerkeys", "bastio.io/proxies",
            "bastio.io/apikeys/status", "bastio.io/providerkeys/status", "bastio.io/proxies/status",
            "bastio.io/apikeys/finalizers", "/secrets", "events.k8s.io/events", "batch/cronjobs", "coordination.k8s.io/leases",
        };

        resources.Should().BeEquivalentTo(expected);
        grants.Where(grant => grant.ApiGroups.Contains("bastio.io") && grant.Resources.Any(resource => CustomKinds.Contains(resource)))
            .SelectMany(grant => grant.Verbs).Should().NotContain(["create", "delete", "deletecollection"],
                because: "users own the custom resources; the operator only adds finalizers and writes status");
        grants.Where(grant => grant.Covers("bastio.io", "proxies")).SelectMany(grant => grant.Verbs).Distinct()
            .Should().BeEquivalentTo(ReadVerbs, because: "Proxies carry no finalizer");
        grants.SelectMany(grant => grant.Verbs).Should().NotContain(["deletecollection", "escalate", "bind", "impersonate"]);
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Operator_cronjobs_and_leases_are_limited_to_the_system_namespace(string values)
    {
        var grants = Rbac.GrantsOf(await Render(values), Operator);

        grants.Where(grant => grant.Covers("batch", "cronjobs") || grant.Covers("coordination.k8s.io", "leases"))
            .Should().OnlyContain(grant => grant.RoleKind == "Role" && grant.Namespace == Helm.Namespace);
        grants.Where(grant => grant.Covers("events.k8s.io", "events")).SelectMany(grant => grant.Verbs).Distinct()
            .Should().BeEquivalentTo("create", "patch");
    }

    [Fact]
    public async Task Operator_lease_access_beyond_create_is_limited_to_its_own_lease()
    {
        var grants = Rbac.GrantsOf(await Helm.TemplateAsync("--set", "operator.replicas=2"), Operator)
            .Where(grant => grant.Covers("coordination.k8s.io", "leases")).ToList();

        grants.Should().HaveCount(3);
        grants.Should().ContainSingle(grant => grant.ResourceNames.Count == 0 && grant.Verbs.SequenceEqual(new[] { "create" }));
        grants.Should().ContainSingle(grant => grant.ResourceNames.Count == 0 && grant.Verbs.SequenceEqual(new[] { "list", "watch" }),
            "the gateway replicas' acknowledgement Leases are read");
        grants.Should().ContainSingle(grant => grant.ResourceNames.SequenceEqual(new[] { "bastio-operator" }))
            .Which.Verbs.Should().BeEquivalentTo("get", "update", "patch");
    }

    [Fact]
    public async Task Single_operator_without_leader_election_only_reads_leases()
    {
        var grants = Rbac.GrantsOf(await Helm.Default, Operator);

        grants.Where(grant => grant.Covers("coordination.k8s.io", "leases")).SelectMany(grant => grant.Verbs)
            .Should().BeEquivalentTo("list", "watch");
    }

    [Fact]
    public async Task Watching_namespaces_replaces_cluster_wide_grants_with_role_bindings_in_those_namespaces()
    {
        var chart = await Helm.AllFeatures;

        foreach (var account in new[] { Operator, Rotator })
        {
            var grants = Rbac.GrantsOf(chart, account);
            grants.Should().NotContain(grant => grant.Namespace == null, because: $"{account} is limited to the watched namespaces");
            grants.Select(grant => grant.Namespace).Distinct().Should().BeSubsetOf(["team-a", "team-b", Helm.Namespace]);
        }

        Rbac.GrantsOf(chart, Operator).Where(grant => grant.Covers("", "secrets")).Select(grant => grant.Namespace)
            .Should().BeEquivalentTo(["team-a", "team-b", Helm.Namespace]);
    }

    [Fact]
    public async Task Default_install_grants_tenant_secrets_cluster_wide_only_to_the_operator()
    {
        var chart = await Helm.Default;

        var clusterSecretRoles = chart.OfKind("ClusterRole")
            .Where(role => Rbac.RulesOf(role, null).Any(grant => grant.Covers("", "secrets")))
            .Select(role => role.Name);

        clusterSecretRoles.Should().Equal("bastio-operator");
        Rbac.GrantsOf(chart, Operator).Should().Contain(grant => grant.Namespace == null && grant.Covers("", "secrets"));
    }

    [Fact]
    public async Task User_roles_aggregate_into_the_built_in_roles_without_granting_secrets()
    {
        var chart = await Helm.Default;

        var view = chart.Single("ClusterRole", "bastio-view");
        view["metadata"]!["labels"]!.AsObject().Select(label => label.Key).Should().Contain([
            "rbac.authorization.k8s.io/aggregate-to-view", "rbac.authorization.k8s.io/aggregate-to-edit",
            "rbac.authorization.k8s.io/aggregate-to-admin"]);
        Rbac.RulesOf(view, null).SelectMany(grant => grant.Verbs).Distinct().Should().BeEquivalentTo(ReadVerbs);

        var edit = chart.Single("ClusterRole", "bastio-edit");
        var editLabels = edit["metadata"]!["labels"]!.AsObject().Select(label => label.Key).ToList();
        editLabels.Should().Contain(["rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-admin"]);
        editLabels.Should().NotContain("rbac.authorization.k8s.io/aggregate-to-view", because: "viewers must not write keys");

        foreach (var role in new[] { view, edit })
        {
            Rbac.RulesOf(role, null).Should().OnlyContain(grant => grant.ApiGroups.SequenceEqual(new[] { "bastio.io" }));
        }
    }

    [Fact]
    public async Task Personas_grant_what_each_role_asks_for_and_no_more()
    {
        var chart = await Helm.Default;
        IReadOnlyCollection<string> Verbs(string persona, string resource) => Rbac.RulesOf(chart.Single("ClusterRole", $"bastio-{persona}"), null)
            .Where(grant => grant.Covers("bastio.io", resource)).SelectMany(grant => grant.Verbs).Distinct().ToList();

        foreach (var resource in CustomKinds)
        {
            Verbs("developer", resource).Should().BeEquivalentTo(ReadVerbs);
        }

        Verbs("team-lead", "apikeys").Should().BeEquivalentTo([.. ReadVerbs, "create", "update", "patch"]);
        Verbs("team-lead", "providerkeys").Should().BeEquivalentTo(ReadVerbs);
        Verbs("devops", "apikeys").Should().BeEquivalentTo([.. ReadVerbs, "patch"], because: "rotating is setting an annotation");
        Verbs("devops", "providerkeys").Should().BeEquivalentTo([.. ReadVerbs, "create", "update", "patch", "delete"]);
        Verbs("security", "apikeys").Should().BeEquivalentTo([.. ReadVerbs, "patch", "delete"], because: "revoking is setting spec.revoked");
        Verbs("security", "providerkeys").Should().BeEquivalentTo([.. ReadVerbs, "delete"]);
        foreach (var persona in new[] { "developer", "team-lead", "devops", "security" })
        {
            Rbac.RulesOf(chart.Single("ClusterRole", $"bastio-{persona}"), null)
                .Should().OnlyContain(grant => grant.ApiGroups.SequenceEqual(new[] { "bastio.io" }), because: $"{persona} gets no Secret");
        }

        var encryptionKey = Rbac.RulesOf(chart.Single("Role", "bastio-security-encryption-key"), null);
        encryptionKey.Should().ContainSingle().Which.Should().Match<Grant>(grant => grant.Namespace == Helm.Namespace
            && grant.Covers("", "secrets") && grant.ResourceNames.SequenceEqual(new[] { WellKnown.EncryptionKeySecret.Name }));
    }
}
