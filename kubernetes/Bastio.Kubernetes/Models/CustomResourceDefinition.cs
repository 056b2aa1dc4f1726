using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bastio.Kubernetes.Models;

/// <summary>apiextensions.k8s.io/v1 CustomResourceDefinition. Schemas stay raw JSON: the client only carries them.</summary>
public sealed class CustomResourceDefinition : KubernetesObject
{
    [JsonPropertyName("spec")]
    public CustomResourceDefinitionSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public CustomResourceDefinitionStatus? Status { get; set; }
}

public sealed class CustomResourceDefinitionSpec
{
    [JsonPropertyName("group")]
    public string Group { get; set; } = "";

    [JsonPropertyName("names")]
    public CustomResourceDefinitionNames Names { get; set; } = new();

    /// <summary>"Namespaced" or "Cluster".</summary>
    [JsonPropertyName("scope")]
    public string Scope { get; set; } = "Namespaced";

    [JsonPropertyName("versions")]
    public List<CustomResourceDefinitionVersion> Versions { get; set; } = [];

    [JsonPropertyName("preserveUnknownFields")]
    public bool? PreserveUnknownFields { get; set; }
}

public sealed class CustomResourceDefinitionNames
{
    [JsonPropertyName("plural")]
    public string Plural { get; set; } = "";

    [JsonPropertyName("singular")]
    public string? Singular { get; set; }

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("listKind")]
    public string? ListKind { get; set; }

    [JsonPropertyName("shortNames")]
    public List<string>? ShortNames { get; set; }

    [JsonPropertyName("categories")]
    public List<string>? Categories { get; set; }
}

public sealed class CustomResourceDefinitionVersion
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("served")]
    public bool Served { get; set; }

    [JsonPropertyName("storage")]
    public bool Storage { get; set; }

    [JsonPropertyName("deprecated")]
    public bool? Deprecated { get; set; }

    [JsonPropertyName("schema")]
    public CustomResourceValidation? Schema { get; set; }

    [JsonPropertyName("subresources")]
    public CustomResourceSubresources? Subresources { get; set; }

    [JsonPropertyName("additionalPrinterColumns")]
    public List<CustomResourceColumnDefinition>? AdditionalPrinterColumns { get; set; }
}

public sealed class CustomResourceValidation
{
    [JsonPropertyName("openAPIV3Schema")]
    public JsonElement? OpenApiV3Schema { get; set; }
}

public sealed class CustomResourceSubresources
{
    /// <summary>Present (as <c>{}</c>) when the version has a status subresource.</summary>
    [JsonPropertyName("status")]
    public JsonElement? Status { get; set; }

    [JsonPropertyName("scale")]
    public JsonElement? Scale { get; set; }
}

public sealed class CustomResourceColumnDefinition
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>"string", "integer", "number", "boolean" or "date".</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "string";

    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    [JsonPropertyName("jsonPath")]
    public string JsonPath { get; set; } = "";
}

public sealed class CustomResourceDefinitionStatus
{
    /// <summary>"NamesAccepted", "Established", "Terminating"...</summary>
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    [JsonPropertyName("acceptedNames")]
    public CustomResourceDefinitionNames? AcceptedNames { get; set; }

    [JsonPropertyName("storedVersions")]
    public List<string>? StoredVersions { get; set; }
}
