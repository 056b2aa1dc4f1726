using System.Reflection;
using Bastio.Crds.Schema;
using Bastio.Kubernetes.Api;
using YamlDotNet.Serialization;

namespace Bastio.Crds.Generator;

/// <summary>A generated CustomResourceDefinition: its file name in <c>crds/</c> and YAML text.</summary>
public sealed record GeneratedCrd(string FileName, string Yaml);

/// <summary>Writes the apiextensions.k8s.io/v1 CRDs of the Bastio resources from the C# model.</summary>
public static class CrdGenerator
{
    public const string Header = "# Generated from the C# model in crds/Bastio.Crds by crds/Bastio.Crds.Generator. Do not edit: run `make crds`.\n";

    private static readonly (Type Model, ResourceType Resource)[] Resources =
    [
        (typeof(ApiKey), BastioResources.ApiKeys),
        (typeof(ProviderKey), BastioResources.ProviderKeys),
        (typeof(Proxy), BastioResources.Proxies),
    ];

    public static IReadOnlyList<GeneratedCrd> Generate()
    {
        var serializer = new SerializerBuilder()
            .WithQuotingNecessaryStrings()
            .WithIndentedSequences()
            .Build();
        return [.. Resources.Select(r => new GeneratedCrd(
            $"{r.Resource.Group}_{r.Resource.Plural}.yaml",
            Header + serializer.Serialize(Definition(r.Model, r.Resource)).Replace("\r\n", "\n", StringComparison.Ordinal)))];
    }

    /// <summary>Writes every CRD into <paramref name="directory"/>, returning the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        return [.. Generate().Select(crd =>
        {
            var path = Path.Combine(directory, crd.FileName);
            File.WriteAllText(path, crd.Yaml);
            return path;
        })];
    }

    internal static Node Definition(Type model, ResourceType resource)
    {
        var names = model.GetCustomAttribute<CustomResourceAttribute>()
            ?? throw new InvalidOperationException($"{model.Name} has no [CustomResource].");
        var namesNode = new Node
        {
            ["kind"] = resource.Kind,
            ["listKind"] = resource.Kind + "List",
            ["plural"] = resource.Plural,
            ["singular"] = names.Singular,
        };
        if (names.ShortNames.Length > 0)
        {
            namesNode["shortNames"] = names.ShortNames.ToList();
        }

        if (names.Categories.Length > 0)
        {
            namesNode["categories"] = names.Categories.ToList();
        }

        var version = new Node
        {
            ["name"] = resource.Version,
            ["served"] = true,
            ["storage"] = true,
            ["subresources"] = new Node { ["status"] = new Node() },
            ["schema"] = new Node { ["openAPIV3Schema"] = SchemaGenerator.ForResource(model) },
        };
        var columns = model.GetCustomAttributes<PrinterColumnAttribute>().Select(Column).ToList();
        if (columns.Count > 0)
        {
            version["additionalPrinterColumns"] = columns;
        }

        return new Node
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new Node { ["name"] = resource.QualifiedName },
            ["spec"] = new Node
            {
                ["group"] = resource.Group,
                ["names"] = namesNode,
                ["scope"] = resource.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new List<Node> { version },
            },
        };
    }

    private static Node Column(PrinterColumnAttribute column)
    {
        var node = new Node { ["name"] = column.Name, ["type"] = column.Type, ["jsonPath"] = column.JsonPath };
        if (column.Description is not null)
        {
            node["description"] = column.Description;
        }

        if (column.Priority != 0)
        {
            node["priority"] = (long)column.Priority;
        }

        return node;
    }
}
