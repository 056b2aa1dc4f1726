namespace Bastio.Kubernetes.Api;

/// <summary>
/// Where a kind lives on the API server: group, version, plural and scope. Core kinds have an
/// empty group and are served under <c>/api/v1</c>; everything else under <c>/apis/{group}/{version}</c>.
/// </summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>plural.group</c>, or bare plural for core kinds, as in Status messages.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", false);
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", true);
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    public static readonly ResourceType Events = new("events.k8s.io", "v1", "events", "Event", true);
    public static readonly ResourceType CronJobs = new("batch", "v1", "cronjobs", "CronJob", true);
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "leases", "Lease", true);
    public static readonly ResourceType CustomResourceDefinitions =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false);
}
