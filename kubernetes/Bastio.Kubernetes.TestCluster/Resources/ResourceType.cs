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

    public string ListKind => Kind + "List";
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string GroupVersionPath => Group.Length == 0 ? "api/" + Version : $"apis/{Group}/{Version}";
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
    public string StorageKey => $"{Group}/{Plural}";
}
