using System.Text.Json.Nodes;
using Bastio.EndToEnd.Tests.Infrastructure;
using Bastio.LocalRun.Manifests;

namespace Bastio.EndToEnd.Tests.LocalRun;

/// <summary>How make run reads and rewrites manifests before applying them.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void Plain_scalars_get_yaml_types_and_quoted_ones_stay_strings()
    {
        var documents = YamlDocuments.Parse(
            """
            a: 1
            b: "1"
            c: true
            d: 'true'
            e: ~
            f: 1.5
            g: 0 3 * * 1
            h: 2027-12-31T23:59:59Z
            ---
            # an empty document between separators is skipped
            ---
            list: [x, 2]
            """,
            "test");

        documents.Should().HaveCount(2);
        documents[0].ToJsonString().Should().Be("""{"a":1,"b":"1","c":true,"d":"true","e":null,"f":1.5,"g":"0 3 * * 1","h":"2027-12-31T23:59:59Z"}""");
        documents[1].ToJsonString().Should().Be("""{"list":["x",2]}""");
    }

    [Fact]
    public void Invalid_yaml_names_the_file_and_line()
    {
        var act = () => YamlDocuments.Parse("a: 1\n  b: 2\n", "examples/broken.yaml");

        act.Should().Throw<FormatException>().WithMessage("examples/broken.yaml: invalid YAML at line 2*");
    }

    [Fact]
    public void Input_the_yaml_scanner_rejects_is_a_format_error_too()
    {
        var act = () => YamlDocuments.Parse("a: [1, 2\nb: 3\n", "examples/broken.yaml");

        act.Should().Throw<FormatException>().WithMessage("examples/broken.yaml: invalid YAML*");
    }

    [Fact]
    public void The_examples_point_at_the_stub_with_the_key_it_accepts()
    {
        var manifests = ReadExamples();

        LocalExamples.Rewrite(manifests, new Uri("https://localhost:5555/v1"), "sk-local-test");

        var proxies = manifests.Where(manifest => Kind(manifest) == "Proxy").ToList();
        proxies.Should().HaveCountGreaterThanOrEqualTo(2);
        proxies.Should().OnlyContain(proxy => proxy["spec"]!["upstream"]!.GetValue<string>() == "https://localhost:5555/v1");
        foreach (var providerKey in manifests.Where(manifest => Kind(manifest) == "ProviderKey"))
        {
            var reference = providerKey["spec"]!["secretRef"]!;
            var secret = manifests.Single(manifest => Kind(manifest) == "Secret" && Name(manifest) == reference["name"]!.GetValue<string>());
            secret["stringData"]![reference["key"]?.GetValue<string>() ?? "apiKey"]!.GetValue<string>().Should().Be("sk-local-test");
        }
    }

    [Fact]
    public void The_examples_cover_what_the_readme_promises()
    {
        var manifests = ReadExamples();
        var apiKeys = manifests.Where(manifest => Kind(manifest) == "ApiKey").Select(manifest => manifest["spec"]!.AsObject()).ToList();
        var proxies = manifests.Where(manifest => Kind(manifest) == "Proxy").ToList();
        var providerKeys = manifests.Where(manifest => Kind(manifest) == "ProviderKey").ToList();

        proxies.Select(proxy => proxy["spec"]!["provider"]!.GetValue<string>()).Should().Contain(["openai", "anthropic"]);
        apiKeys.Should().Contain(spec => spec.ContainsKey("permissions"));
        apiKeys.Should().Contain(spec => spec.ContainsKey("rateLimit"));
        apiKeys.Should().Contain(spec => spec.ContainsKey("plan"));
        apiKeys.Should().Contain(spec => spec.ContainsKey("ipAllowList"));
        apiKeys.Should().Contain(spec => spec.ContainsKey("expiresAt"));
        apiKeys.Should().Contain(spec => spec.ContainsKey("rotation"));
        providerKeys.Should().Contain(key => key["spec"]!["replaces"] != null);

        var proxyNames = proxies.Select(Name).ToHashSet();
        apiKeys.Should().OnlyContain(spec => proxyNames.Contains(spec["proxyRef"]!["name"]!.GetValue<string>()));
        var plans = proxies.SelectMany(proxy => proxy["spec"]!["plans"]?.AsObject().Select(plan => plan.Key) ?? []).ToHashSet();
        apiKeys.Where(spec => spec.ContainsKey("plan")).Should().OnlyContain(spec => plans.Contains(spec["plan"]!.GetValue<string>()));
        manifests.Should().Contain(manifest => Kind(manifest) == "ApiKey" && Name(manifest) == "demo", "make run prints the key of ApiKey demo");
    }

    private static List<JsonObject> ReadExamples() =>
        [.. Directory.GetFiles(Path.Combine(Repository.Root, "examples"), "*.yaml").Order()
            .SelectMany(file => YamlDocuments.Parse(File.ReadAllText(file), file))];

    private static string? Kind(JsonObject manifest) => manifest["kind"]?.GetValue<string>();

    private static string? Name(JsonObject manifest) => manifest["metadata"]?["name"]?.GetValue<string>();
}
