namespace Bastio.Kubernetes.TestCluster.Resources;

/// <summary>The built-in kinds the product uses, with kubectl's default columns.</summary>
internal static class BuiltInResources
{
    private static readonly PrinterColumn Age = new("Age", "date", "", "", 0, ".metadata.creationTimestamp");

    public static readonly ResourceType Namespaces = new()
    {
        Group = "", Version = "v1", Kind = "Namespace", Plural = "namespaces", Singular = "namespace",
        ShortNames = ["ns"], HasStatus = true,
        Columns = [new("Status", "string", "", "The status of the namespace", 0, ".status.phase"), Age],
    };

    public static readonly ResourceType Secrets = new()
    {
        Group = "", Version = "v1", Kind = "Secret", Plural = "secrets", Singular = "secret", Namespaced = true,
        Columns = [new("Type", "string", "", "The type of the secret", 0, ".type"), new("Data", "string", "", "The number of keys", 0, "count(.data)"), Age],
    };

    public static readonly ResourceType ConfigMaps = new()
    {
        Group = "", Version = "v1", Kind = "ConfigMap", Plural = "configmaps", Singular = "configmap", Namespaced = true,
        ShortNames = ["cm"],
        Columns = [new("Data", "string", "", "The number of keys", 0, "count(.data)"), Age],
    };

    public static readonly ResourceType ServiceAccounts = new()
    {
        Group = "", Version = "v1", Kind = "ServiceAccount", Plural = "serviceaccounts", Singular = "serviceaccount",
        Namespaced = true, ShortNames = ["sa"],
        Columns = [new("Secrets", "string", "", "The number of secrets", 0, "count(.secrets)"), Age],
    };

    public static readonly ResourceType Events = new()
    {
        Group = "", Version = "v1", Kind = "Event", Plural = "events", Singular = "event", Namespaced = true,
        ShortNames = ["ev"],
        Columns =
        [
            new("Type", "string", "", "The type of the event", 0, ".type"),
            new("Reason", "string", "", "The reason of the event", 0, ".reason"),
            new("Object", "string", "", "The object the event is about", 0, ".involvedObject.name"),
            new("Message", "string", "", "The message of the event", 0, ".message"),
            Age,
        ],
    };

    /// <summary>events.k8s.io/v1 Events: the same objects as core v1 Events, with the v1 field names.</summary>
    public static readonly ResourceType EventsV1 = new()
    {
        Group = "events.k8s.io", Version = "v1", Kind = "Event", Plural = "events", Singular = "event", Namespaced = true,
        ShortNames = ["ev"], StoredAs = Events, ToStored = EventConversion.ToCore, FromStored = EventConversion.FromCore,
        Columns = Events.Columns,
    };

    public static readonly ResourceType CronJobs = new()
    {
        Group = "batch", Version = "v1", Kind = "CronJob", Plural = "cronjobs", Singular = "cronjob", Namespaced = true,
        ShortNames = ["cj"], Categories = ["all"], HasStatus = true, TracksGeneration = true,
        Columns =
        [
            new("Schedule", "string", "", "The schedule", 0, ".spec.schedule"),
            new("Suspend", "boolean", "", "Whether the schedule is suspended", 0, ".spec.suspend"),
            new("Active", "integer", "", "The number of running jobs", 0, "count(.status.active)"),
            new("Last Schedule", "date", "", "When a job was last scheduled", 0, ".status.lastScheduleTime"),
            Age,
        ],
    };

    public static readonly ResourceType Jobs = new()
    {
        Group = "batch", Version = "v1", Kind = "Job", Plural = "jobs", Singular = "job", Namespaced = true,
        Categories = ["all"], HasStatus = true, TracksGeneration = true,
        Columns = [new("Succeeded", "integer", "", "Succeeded pods", 0, ".status.succeeded"), Age],
    };

    public static readonly ResourceType Leases = new()
    {
        Group = "coordination.k8s.io", Version = "v1", Kind = "Lease", Plural = "leases", Singular = "lease", Namespaced = true,
        Columns = [new("Holder", "string", "", "The holder of the lease", 0, ".spec.holderIdentity"), Age],
    };

    public static readonly ResourceType CustomResourceDefinitions = new()
    {
        Group = "apiextensions.k8s.io", Version = "v1", Kind = "CustomResourceDefinition",
        Plural = "customresourcedefinitions", Singular = "customresourcedefinition", ShortNames = ["crd", "crds"],
        HasStatus = true, TracksGeneration = true,
        Columns = [new("Created At", "string", "date-time", "When the definition was created", 0, ".metadata.creationTimestamp")],
    };

    public static IReadOnlyList<ResourceType> All { get; } =
        [Namespaces, Secrets, ConfigMaps, ServiceAccounts, Events, EventsV1, CronJobs, Jobs, Leases, CustomResourceDefinitions];
}
