using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Resources;

/// <summary>A column of <c>kubectl get</c> output; <see cref="JsonPath"/> uses the printer-column subset.</summary>
internal sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);

/// <summary>One served kind at one version. Versions of a kind share <see cref="StorageKey"/>.</summary>
internal sealed record ResourceType
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public bool Namespaced { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public bool HasStatus { get; init; }

    /// <summary>Whether <c>metadata.generation</c> is maintained (kinds with a spec, and every custom resource).</summary>
    public bool TracksGeneration { get; init; }

    public bool IsCustom { get; init; }

    /// <summary>The CRD's <c>openAPIV3Schema</c>; null for built-in kinds.</summary>
    public JsonObject? Schema { get; init; }

    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];

    /// <summary>
    /// Another group's kind whose objects this one shares, stored in that kind's shape (as
    /// events.k8s.io/v1 Events are core v1 Events); null when this kind is stored as itself.
    /// </summary>
    public ResourceType? StoredAs { get; init; }

    /// <summary>Converts a request body to the stored shape (identity without <see cref="StoredAs"/>).</summary>
    public Func<JsonObject, JsonObject> ToStored { get; init; } = static body => body;

    /// <summary>Converts a stored object to this kind's shape (identity without <see cref="StoredAs"/>).</summary>
    public Func<JsonObject, JsonObject> FromStored { get; init; } = static stored => stored;

    /// <summary>The apiVersion and kind objects of this type are stored under.</summary>
    public ResourceType StorageType => StoredAs ?? this;

    public string ListKind => Kind + "List";
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string GroupVersionPath => Group.Length == 0 ? "api/" + Version : $"apis/{Group}/{Version}";
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
    public string StorageKey => StoredAs?.StorageKey ?? $"{Group}/{Plural}";
}
