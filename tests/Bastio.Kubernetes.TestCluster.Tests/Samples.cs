using System.Text.Json.Nodes;

namespace Bastio.Kubernetes.TestCluster.Tests;

/// <summary>The sample kind the tests use: Widget in example.com (not the product's CRDs).</summary>
internal static class Samples
{
    public const string WidgetsPath = "/apis/example.com/v1/namespaces/default/widgets";
    public const string CrdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    public const string WidgetCrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList, shortNames: [wd], categories: [all]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            - {name: First, type: string, priority: 1, jsonPath: '.spec.parts[0].name'}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            schema:
              openAPIV3Schema:
                type: object
                description: A widget.
                properties:
                  spec:
                    type: object
                    description: What the widget should be.
                    required: [size]
                    x-kubernetes-validations:
                    - rule: "self.size <= 100 || self.color == 'blue'"
                      message: only blue widgets may exceed 100
                    - rule: "!has(oldSelf.owner) || self.owner == oldSelf.owner"
                      message: owner is immutable
                    - rule: "self.timeout > duration('1s')"
                    properties:
                      size: {type: integer, minimum: 1, maximum: 1000, description: At least 1.}
                      color: {type: string, enum: [red, blue], default: red}
                      owner: {type: string}
                      code: {type: string, pattern: '^[a-z]+$', minLength: 2, maxLength: 5}
                      at: {type: string, format: date-time}
                      timeout: {type: string}
                      tags: {type: array, maxItems: 2, minItems: 1, items: {type: string}}
                      labels: {type: object, additionalProperties: {type: integer}}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      parts:
                        type: array
                        items:
                          type: object
                          properties:
                            name: {type: string}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
        """;

    public static JsonObject Widget(string name, int size = 3, JsonObject? labels = null) => new()
    {
        ["apiVersion"] = "example.com/v1",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels ?? [] },
        ["spec"] = new JsonObject { ["size"] = size },
    };

    public static JsonObject ConfigMap(string name, JsonObject? metadata = null)
    {
        var meta = metadata ?? [];
        meta["name"] = name;
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = meta, ["data"] = new JsonObject { ["a"] = "1" } };
    }

    /// <summary>Starts a cluster with the Widget CRD installed from a CRD directory.</summary>
    public static async Task<TestClusterServer> StartWithWidgetsAsync(TestClusterOptions? options = null)
    {
        var directory = Directory.CreateTempSubdirectory("bastio-crds-");
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "widgets.yaml"), WidgetCrdYaml);
        options ??= new TestClusterOptions();
        options.CrdDirectory = directory.FullName;
        try
        {
            return await TestClusterServer.StartAsync(options);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
