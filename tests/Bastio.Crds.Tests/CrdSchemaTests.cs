using System.Text.RegularExpressions;
using Bastio.Crds.Generator;
using YamlDotNet.Serialization;

namespace Bastio.Crds.Tests;

/// <summary>Checks the generated YAML as the API server will read it.</summary>
public sealed class CrdSchemaTests
{
    private static readonly Dictionary<string, Dictionary<object, object>> Crds = CrdGenerator.Generate()
        .ToDictionary(crd => crd.FileName, crd => new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(crd.Yaml));

    [Theory]
    [InlineData("bastio.io_apikeys.yaml", "apikeys.bastio.io", "ApiKey", "apikey", "ak")]
    [InlineData("bastio.io_providerkeys.yaml", "providerkeys.bastio.io", "ProviderKey", "providerkey", "pk")]
    [InlineData("bastio.io_proxies.yaml", "proxies.bastio.io", "Proxy", "proxy", "px")]
    public void Names_scope_version_and_status_subresource(string file, string name, string kind, string singular, string shortName)
    {
        var crd = Crds[file];

        crd["apiVersion"].Should().Be("apiextensions.k8s.io/v1");
        crd["kind"].Should().Be("CustomResourceDefinition");
        Get(crd, "metadata", "name").Should().Be(name);
        Get(crd, "spec", "group").Should().Be("bastio.io");
        Get(crd, "spec", "scope").Should().Be("Namespaced");
        Get(crd, "spec", "names", "kind").Should().Be(kind);
        Get(crd, "spec", "names", "listKind").Should().Be(kind + "List");
        Get(crd, "spec", "names", "singular").Should().Be(singular);
        Strings(Get(crd, "spec", "names", "shortNames")).Should().Equal(shortName);
        Strings(Get(crd, "spec", "names", "categories")).Should().Equal("bastio");
        var version = Version(file);
        version["name"].Should().Be("v1alpha1");
        version["served"].Should().Be("true");
        version["storage"].Should().Be("true");
        Get(version, "subresources", "status").Should().BeAssignableTo<Dictionary<object, object>>().Which.Should().BeEmpty();
    }

    [Theory]
    [InlineData("bastio.io_apikeys.yaml", "Proxy:.spec.proxyRef.name", "Key-ID:.status.keyId", "Phase:.status.phase", "Permissions:.spec.permissions", "Expires:.spec.expiresAt", "Budget-Used:.status.usage.budgetUsedPercent", "Age:.metadata.creationTimestamp")]
    [InlineData("bastio.io_providerkeys.yaml", "Proxy:.spec.proxyRef.name", "Provider:.status.provider", "Fingerprint:.status.fingerprint", "Validated:.status.conditions[?(@.type==\"Validated\")].status", "Phase:.status.phase", "Age:.metadata.creationTimestamp")]
    [InlineData("bastio.io_proxies.yaml", "Provider:.spec.provider", "Environment:.spec.environment", "Ready:.status.conditions[?(@.type==\"Ready\")].status", "Keys:.status.apiKeys", "Age:.metadata.creationTimestamp")]
    public void Printer_columns_follow_the_design(string file, params string[] expected)
    {
        var columns = ((List<object>)Version(file)["additionalPrinterColumns"]).Cast<Dictionary<object, object>>().ToList();

        columns.Select(c => $"{c["name"]}:{c["jsonPath"]}").Should().Equal(expected);
        columns.Should().AllSatisfy(c => c["type"].Should().BeOneOf("string", "integer", "date"));
        columns.Last()["type"].Should().Be("date");
    }

    [Theory]
    [InlineData("bastio.io_apikeys.yaml")]
    [InlineData("bastio.io_providerkeys.yaml")]
    [InlineData("bastio.io_proxies.yaml")]
    public void Every_field_has_a_description_and_a_type(string file)
    {
        var root = Schema(file);
        var fields = new List<string>();
        Walk(root, "", fields);

        fields.Should().NotBeEmpty().And.OnlyContain(path => path.StartsWith('.'));
        Get(root, "required").Should().BeEquivalentTo(new[] { "spec" });
    }

    [Theory]
    [InlineData("bastio.io_apikeys.yaml")]
    [InlineData("bastio.io_providerkeys.yaml")]
    [InlineData("bastio.io_proxies.yaml")]
    public void Names_are_limited_to_63_characters_and_conditions_are_a_list_map(string file)
    {
        var root = Schema(file);

        Rules(root).Should().Contain("self.metadata.name.size() <= 63");
        var conditions = Property(root, "status", "conditions");
        conditions["x-kubernetes-list-type"].Should().Be("map");
        Strings(conditions["x-kubernetes-list-map-keys"]).Should().Equal("type");
        var condition = (Dictionary<object, object>)conditions["items"];
        Strings(condition["required"]).Should().Contain("type");
        Strings(Get(condition, "properties", "status", "enum")).Should().Equal("True", "False", "Unknown");
        Get(condition, "properties", "lastTransitionTime", "format").Should().Be("date-time");
    }

    [Fact]
    public void Proxy_fields()
    {
        var spec = Property(Schema("bastio.io_proxies.yaml"), "spec");

        Strings(spec["required"]).Should().Equal("provider", "upstream");
        Strings(Get(spec, "properties", "provider", "enum")).Should().Equal("openai", "anthropic", "azure-openai", "openai-compatible");
        Get(spec, "properties", "environment", "default").Should().Be("production");
        Strings(Get(spec, "properties", "environment", "enum")).Should().Equal("production", "staging", "development");
        Get(spec, "properties", "timeout", "default").Should().Be("300s");
        Get(spec, "properties", "plans", "additionalProperties", "properties", "requests", "minimum").Should().Be("1");
        Get(spec, "properties", "plans", "additionalProperties", "properties", "burst", "minimum").Should().Be("0");
        Strings(Get(spec, "properties", "plans", "additionalProperties", "properties", "period", "enum")).Should().Equal("second", "minute", "hour", "day");
        Strings(Get(spec, "properties", "defaults", "properties", "permissions", "items", "enum"))
            .Should().Equal("chat", "completions", "embeddings", "images", "audio", "models", "analytics", "admin");

        var upstream = Pattern(Get(spec, "properties", "upstream", "pattern"));
        upstream.IsMatch("https://api.openai.com/v1").Should().BeTrue();
        upstream.IsMatch("http://127.0.0.1:18081/v1").Should().BeTrue();
        upstream.IsMatch("ftp://example.com").Should().BeFalse();
        upstream.IsMatch("https://").Should().BeFalse();
        upstream.IsMatch("api.openai.com").Should().BeFalse();
    }

    [Fact]
    public void ApiKey_fields_and_rules()
    {
        var spec = Property(Schema("bastio.io_apikeys.yaml"), "spec");

        Strings(spec["required"]).Should().Equal("proxyRef");
        Strings(Get(spec, "properties", "proxyRef", "required")).Should().Equal("name");
        Get(spec, "properties", "permissions", "x-kubernetes-list-type").Should().Be("set");
        Get(spec, "properties", "permissions", "minItems").Should().Be("1", "an empty list would refuse every route; unset means the Proxy's defaults");
        Get(spec, "properties", "ipAllowList", "minItems").Should().Be("1", "an empty list must not read as allow-all");
        Get(spec, "properties", "ipAllowList", "maxItems").Should().Be("256");
        Get(spec, "properties", "expiresAt", "format").Should().Be("date-time");
        Get(spec, "properties", "rotation", "properties", "gracePeriod", "default").Should().Be("24h");
        Strings(Get(spec, "properties", "rotation", "required")).Should().Equal("schedule");
        Rules(spec).Should().Contain("!(has(self.rateLimit) && has(self.plan))")
            .And.Contain(rule => rule.Contains("oldSelf.revoked", StringComparison.Ordinal));

        var ip = Pattern(Get(spec, "properties", "ipAllowList", "items", "pattern"));
        foreach (var valid in new[] { "10.0.0.0/8", "192.168.1.10", "0.0.0.0/0", "2001:db8::/32", "::1", "fe80::1:2:3:4" })
        {
            ip.IsMatch(valid).Should().BeTrue(valid);
        }

        foreach (var invalid in new[] { "256.1.1.1", "10.0.0.0/33", "10.0.0", "example.com", "2001:db8::/129", "" })
        {
            ip.IsMatch(invalid).Should().BeFalse(invalid);
        }

        var cron = Pattern(Get(spec, "properties", "rotation", "properties", "schedule", "pattern"));
        cron.IsMatch("0 3 * * mon").Should().BeTrue();
        cron.IsMatch("@weekly").Should().BeTrue();
        cron.IsMatch("0 3 * *").Should().BeFalse();
        cron.IsMatch("@every 5m").Should().BeFalse();
    }

    [Fact]
    public void Revocation_rule_is_a_transition_rule_reported_on_the_field()
    {
        var spec = Property(Schema("bastio.io_apikeys.yaml"), "spec");
        var rule = ((List<object>)spec["x-kubernetes-validations"]).Cast<Dictionary<object, object>>()
            .Single(r => ((string)r["rule"]).Contains("oldSelf", StringComparison.Ordinal));

        rule["fieldPath"].Should().Be(".revoked");
        ((string)rule["message"]).Should().Contain("cannot be undone");
    }

    [Fact]
    public void ProviderKey_fields_and_rules()
    {
        var root = Schema("bastio.io_providerkeys.yaml");
        var spec = Property(root, "spec");

        Strings(spec["required"]).Should().Equal("proxyRef", "secretRef");
        Get(spec, "properties", "secretRef", "properties", "key", "default").Should().Be("apiKey");
        Get(spec, "properties", "weight", "minimum").Should().Be("1");
        Get(spec, "properties", "weight", "maximum").Should().Be("100");
        Get(spec, "properties", "weight", "default").Should().Be("100");
        Get(spec, "properties", "migration", "properties", "duration", "default").Should().Be("10m");
        Get(spec, "properties", "validation", "properties", "interval", "default").Should().Be("6h");
        Get(spec, "properties", "validation", "properties", "enabled", "default").Should().Be("true");
        Rules(spec).Should().Contain("!has(self.migration) || has(self.replaces)");
        Rules(root).Should().Contain("!has(self.spec.replaces) || self.spec.replaces != self.metadata.name");
        Strings(Get(root, "properties", "status", "properties", "phase", "enum")).Should().Equal("Active", "Migrating", "Retired", "Disabled", "Invalid");

        var duration = Pattern(Get(spec, "properties", "validation", "properties", "interval", "pattern"));
        foreach (var valid in new[] { "300s", "10m", "24h", "1h30m", "1.5h", "500ms" })
        {
            duration.IsMatch(valid).Should().BeTrue(valid);
        }

        foreach (var invalid in new[] { "90d", "10", "1h 30m", "-5m", "" })
        {
            duration.IsMatch(invalid).Should().BeFalse(invalid);
        }
    }

    [Fact]
    public void Defaults_satisfy_their_own_constraints()
    {
        foreach (var file in Crds.Keys)
        {
            CheckDefaults(Schema(file), file);
        }
    }

    private static void CheckDefaults(Dictionary<object, object> schema, string path)
    {
        if (schema.TryGetValue("default", out var value))
        {
            var text = (string)value;
            if (schema.TryGetValue("enum", out var values))
            {
                Strings(values).Should().Contain(text, path);
            }

            if (schema.TryGetValue("pattern", out var pattern))
            {
                Pattern(pattern).IsMatch(text).Should().BeTrue(path);
            }

            if (schema.TryGetValue("minimum", out var minimum))
            {
                long.Parse(text, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(long.Parse((string)minimum, System.Globalization.CultureInfo.InvariantCulture), path);
            }
        }

        foreach (var child in Children(schema))
        {
            CheckDefaults(child.Schema, path + child.Path);
        }
    }

    private static void Walk(Dictionary<object, object> schema, string path, List<string> fields)
    {
        foreach (var child in Children(schema))
        {
            var childPath = path + child.Path;
            if (child.Path.StartsWith('.') && childPath != ".metadata")
            {
                child.Schema.Should().ContainKey("description", $"{childPath} needs a description for kubectl explain");
                fields.Add(childPath);
            }

            child.Schema.Should().ContainKey("type", $"{childPath} needs a type for a structural schema");
            Walk(child.Schema, childPath, fields);
        }
    }

    private static IEnumerable<(string Path, Dictionary<object, object> Schema)> Children(Dictionary<object, object> schema)
    {
        if (schema.TryGetValue("properties", out var properties))
        {
            foreach (var (name, child) in (Dictionary<object, object>)properties)
            {
                yield return ($".{name}", (Dictionary<object, object>)child);
            }
        }

        if (schema.TryGetValue("items", out var items))
        {
            yield return ("[]", (Dictionary<object, object>)items);
        }

        if (schema.TryGetValue("additionalProperties", out var additional))
        {
            yield return ("{}", (Dictionary<object, object>)additional);
        }
    }

    private static Regex Pattern(object pattern) => new((string)pattern, RegexOptions.ECMAScript | RegexOptions.CultureInvariant);

    private static List<string> Rules(Dictionary<object, object> schema) =>
        ((List<object>)schema["x-kubernetes-validations"]).Cast<Dictionary<object, object>>().Select(r => (string)r["rule"]).ToList();

    private static Dictionary<object, object> Version(string file) =>
        (Dictionary<object, object>)((List<object>)Get(Crds[file], "spec", "versions")).Single();

    private static Dictionary<object, object> Schema(string file) =>
        (Dictionary<object, object>)Get(Version(file), "schema", "openAPIV3Schema");

    private static Dictionary<object, object> Property(Dictionary<object, object> schema, params string[] names)
    {
        foreach (var name in names)
        {
            schema = (Dictionary<object, object>)Get(schema, "properties", name);
        }

        return schema;
    }

    private static object Get(Dictionary<object, object> node, params string[] path)
    {
        object current = node;
        foreach (var key in path)
        {
            var map = (Dictionary<object, object>)current;
            map.Should().ContainKey(key, $"path {string.Join('.', path)}");
            current = map[key];
        }

        return current;
    }

    private static List<string> Strings(object list) => ((List<object>)list).Cast<string>().ToList();
}
