using System.Text.Json;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class KubernetesYamlTests
{
    [Fact]
    public void Plain_scalars_take_their_core_schema_types_and_quoted_ones_stay_strings()
    {
        var json = KubernetesYaml.ToJson("""
            int: 12
            negative: -3
            float: 1.5
            bool: true
            none: ~
            empty:
            text: hello world
            quotedInt: "12"
            quotedBool: 'true'
            tagged: !!str 7
            version: v1
            block: |
              line one
              line two
            list: [a, 2, null]
            """);

        json.Should().Be(
            """{"int":12,"negative":-3,"float":1.5,"bool":true,"none":null,"empty":null,"text":"hello world","quotedInt":"12","quotedBool":"true","tagged":"7","version":"v1","block":"line one\nline two\n","list":["a",2,null]}""");
    }

    [Fact]
    public void Several_documents_become_several_JSON_texts_skipping_empty_ones()
    {
        var documents = KubernetesYaml.ToJsonDocuments("a: 1\n---\n---\nb: 2\n");

        documents.Should().Equal("""{"a":1}""", """{"b":2}""");
    }

    [Fact]
    public void Malformed_YAML_is_a_FormatException_with_the_line()
    {
        var act = () => KubernetesYaml.ToJson("a: 1\nb: [unclosed\n");

        act.Should().Throw<FormatException>().WithMessage("Invalid YAML at line *");
    }

    [Fact]
    public void A_CRD_manifest_deserializes_into_the_model()
    {
        var crd = JsonSerializer.Deserialize(KubernetesYaml.ToJson(GadgetCrdYaml("example.com")), KubernetesJsonContext.Default.CustomResourceDefinition)!;

        crd.Spec.Names.Kind.Should().Be("Gadget");
        crd.Spec.Versions.Single().AdditionalPrinterColumns!.Single().JsonPath.Should().Be(".spec.size");
        crd.Spec.Versions.Single().Schema!.OpenApiV3Schema!.Value.GetProperty("properties").GetProperty("spec")
            .GetProperty("properties").GetProperty("size").GetProperty("minimum").GetInt32().Should().Be(1);
    }

    internal static string GadgetCrdYaml(string group) => $"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.{group}
        spec:
          group: {group}
          scope: Namespaced
          names:
            plural: gadgets
            singular: gadget
            kind: Gadget
            listKind: GadgetList
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {"{}"}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size:
                        type: integer
                        minimum: 1
        """;
}
