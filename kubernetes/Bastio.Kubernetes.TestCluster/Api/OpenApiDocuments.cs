using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bastio.Kubernetes.TestCluster.Resources;

namespace Bastio.Kubernetes.TestCluster.Api;

/// <summary>
/// <c>/openapi/v3</c>: a root listing every group version and, per group version, a document with a
/// PATCH operation carrying <c>fieldValidation</c> for every kind (so kubectl leaves validation to
/// the server) and the kinds' schemas (CRD schemas as written, for <c>kubectl explain</c>). Hashes
/// are the uppercase SHA-512 of each document, so they change whenever a document does.
/// </summary>
internal sealed class OpenApiDocuments
{
    private const string ObjectMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private readonly ResourceRegistry _registry;
    private readonly object _gate = new();
    private (long Revision, Dictionary<string, (byte[] Body, string Hash)> Documents)? _cache;

    public OpenApiDocuments(ResourceRegistry registry) => _registry = registry;

    public JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var (key, document) in Documents())
        {
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={document.Hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for <c>api/v1</c> or <c>apis/{group}/{version}</c>, if served.</summary>
    public (byte[] Body, string Hash)? Find(string key) => Documents().TryGetValue(key, out var doc) ? doc : null;

    private Dictionary<string, (byte[] Body, string Hash)> Documents()
    {
        lock (_gate)
        {
            var revision = _registry.Revision;
            if (_cache is { } cache && cache.Revision == revision)
            {
                return cache.Documents;
            }

            var documents = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
            foreach (var group in _registry.Types.GroupBy(t => t.GroupVersionPath))
            {
                var body = Encoding.UTF8.GetBytes(Build([.. group]).ToJsonString());
                documents[group.Key] = (body, Convert.ToHexString(SHA512.HashData(body)));
            }

            _cache = (revision, documents);
            return documents;
        }
    }

    private static JsonObject Build(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject
        {
            ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
                ["properties"] = new JsonObject
                {
                    ["name"] = new JsonObject { ["type"] = "string", ["description"] = "Name must be unique within a namespace." },
                    ["namespace"] = new JsonObject { ["type"] = "string", ["description"] = "Namespace defines the space within which each name must be unique." },
                    ["labels"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                    ["annotations"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                },
            },
        };
        foreach (var type in types)
        {
            var schemaName = SchemaName(type);
            var gvk = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };
            var itemPath = type.Namespaced
                ? $"/{type.GroupVersionPath}/namespaces/{{namespace}}/{type.Plural}/{{name}}"
                : $"/{type.GroupVersionPath}/{type.Plural}/{{name}}";
            paths[itemPath] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["description"] = $"partially update the specified {type.Kind}",
                    ["operationId"] = $"patch{type.Kind}",
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = gvk,
                    ["parameters"] = new JsonArray(
                        Parameter("dryRun"), Parameter("fieldManager"), Parameter("fieldValidation"), Parameter("force")),
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject
                        {
                            ["description"] = "OK",
                            ["content"] = new JsonObject
                            {
                                ["application/json"] = new JsonObject
                                {
                                    ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" },
                                },
                            },
                        },
                    },
                },
            };

            var schema = type.Schema?.DeepClone().AsObject() ?? new JsonObject
            {
                ["type"] = "object",
                ["description"] = $"{type.Kind} is a built-in Kubernetes kind.",
                ["x-kubernetes-preserve-unknown-fields"] = true,
            };
            if (schema["properties"] is not JsonObject properties)
            {
                properties = [];
                }

            properties["apiVersion"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
            };
            properties["kind"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "Kind is a string value representing the REST resource this object represents.",
            };
            properties["metadata"] = new JsonObject
            {
                ["description"] = "Standard object's metadata.",
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ObjectMetaRef }),
            };
            schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
            schemas[schemaName] = schema;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Parameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = name == "force" ? "boolean" : "string", ["uniqueItems"] = true },
    };

    private static string SchemaName(ResourceType type)
    {
        if (type.IsCustom)
        {
            return string.Join('.', type.Group.Split('.').Reverse()) + $".{type.Version}.{type.Kind}";
        }

        return type.Group switch
        {
            "" => $"io.k8s.api.core.{type.Version}.{type.Kind}",
            "apiextensions.k8s.io" => $"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{type.Version}.{type.Kind}",
            _ => $"io.k8s.api.{type.Group.Split('.')[0]}.{type.Version}.{type.Kind}",
        };
    }
}
