using System.Net;
using System.Text.Json;
using Bastio.EndToEnd.Tests.Infrastructure;
using Bastio.EndToEnd.Tests.Targets;

namespace Bastio.EndToEnd.Tests;

/// <summary>Every <c>kubectl bastio</c> command, run as the built executable against the running system.</summary>
[Collection(SystemCollection.Name)]
public sealed class PluginTests(SystemUnderTest system)
{
    private const string RotateGraceAnnotation = "bastio.io/rotate-grace";

    [Fact]
    public async Task Create_prints_a_working_key_once_and_list_and_show_describe_it()
    {
        var name = UniqueName("create");

        var created = await CreateKeyAsync(name, "--permissions", "chat,models", "--rate", "1000/hour", "--burst", "100",
            "--allow-ip", "127.0.0.1/32", "--allow-ip", "::1", "--expires", "90d", "--rotate", "0 3 * * 1");

        (await Gateway.WaitForAsync(system.GatewayUrl, created.ApiKey, HttpStatusCode.OK)).Status.Should().Be(HttpStatusCode.OK);
        var list = await Plugin.RunAsync(system, "keys", "list");
        list.ExitCode.Should().Be(0, list.ToString());
        var row = list.Output.Split('\n').Single(line => line.StartsWith(name + " ", StringComparison.Ordinal));
        row.Should().Contain(created.KeyId).And.Contain(system.Proxy).And.Contain("chat,models").And.Contain("Active");
        list.Output.Should().StartWith("NAME").And.Contain("KEY-ID").And.Contain("LAST-ROTATED");
        list.Output.Should().NotContain(created.ApiKey, "the key is printed only by create");

        var show = await Plugin.RunAsync(system, "keys", "show", name);
        show.ExitCode.Should().Be(0, show.ToString());
        show.Output.Should().Contain("1000/hour, burst 100").And.Contain("127.0.0.1/32").And.Contain("\"0 3 * * 1\"").And.NotContain(created.ApiKey);

        var json = await Plugin.RunAsync(system, "keys", "show", name, "-o", "json");
        var spec = JsonDocument.Parse(json.Output).RootElement.GetProperty("spec");
        spec.GetProperty("rateLimit").GetProperty("period").GetString().Should().Be("hour");
        spec.GetProperty("rotation").GetProperty("schedule").GetString().Should().Be("0 3 * * 1");
        spec.GetProperty("expiresAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(90), TimeSpan.FromMinutes(5));

        var yaml = await Plugin.RunAsync(system, "keys", "list", "-o", "yaml");
        yaml.ExitCode.Should().Be(0, yaml.ToString());
        yaml.Output.Should().Contain("kind: ApiKeyList").And.Contain($"name: {name}");

        var all = await Plugin.RunAsync(system, "keys", "list", "-A");
        all.Output.Should().StartWith("NAMESPACE").And.Contain(name);
    }

    [Fact]
    public async Task Rotate_with_wait_serves_the_request_and_keeps_the_previous_key_in_its_grace_period()
    {
        var name = UniqueName("rotate");
        var created = await CreateKeyAsync(name, "--permissions", "models");

        var rotated = await Plugin.RunAsync(system, "keys", "rotate", name, "--wait", "--timeout", "90s");

        rotated.ExitCode.Should().Be(0, rotated.ToString());
        rotated.Output.Should().Contain("rotated to version 2");
        var key = await GetKeyAsync(name);
        key.GetProperty("status").GetProperty("lastRotationRequest").GetString()
            .Should().Be(key.GetProperty("metadata").GetProperty("annotations").GetProperty("bastio.io/rotate-requested-at").GetString());
        (await Gateway.ListModelsAsync(system.GatewayUrl, created.ApiKey)).Status.Should().Be(HttpStatusCode.OK, "the previous key works during the grace period");
    }

    [Fact]
    public async Task Regenerate_prints_a_new_working_key_with_the_same_key_id()
    {
        var name = UniqueName("regen");
        var created = await CreateKeyAsync(name, "--permissions", "models");

        var regenerated = await Plugin.RunAsync(system, "keys", "regenerate", name, "-o", "json", "--timeout", "90s");

        regenerated.ExitCode.Should().Be(0, regenerated.ToString());
        var fresh = JsonDocument.Parse(regenerated.Output).RootElement;
        fresh.GetProperty("keyId").GetString().Should().Be(created.KeyId, "the key id is stable across rotations");
        var newKey = fresh.GetProperty("apiKey").GetString()!;
        (newKey == created.ApiKey).Should().BeFalse("regenerate issues new key material");
        (await Gateway.WaitForAsync(system.GatewayUrl, newKey, HttpStatusCode.OK)).Status.Should().Be(HttpStatusCode.OK);
        var annotations = (await GetKeyAsync(name)).GetProperty("metadata").GetProperty("annotations");
        annotations.GetProperty(RotateGraceAnnotation).GetString().Should().Be("0s");
    }

    [Fact]
    public async Task After_regenerate_the_old_key_stops_working_at_once()
    {
        var name = UniqueName("regen-old");
        var created = await CreateKeyAsync(name, "--permissions", "models");

        (await Plugin.RunAsync(system, "keys", "regenerate", name, "--timeout", "90s")).ExitCode.Should().Be(0);

        (await Gateway.WaitForAsync(system.GatewayUrl, created.ApiKey, HttpStatusCode.Unauthorized)).Status
            .Should().Be(HttpStatusCode.Unauthorized, "regenerate leaves no grace period");
    }

    [Fact]
    public async Task Disable_and_enable_switch_the_key_off_and_on()
    {
        var name = UniqueName("toggle");
        var created = await CreateKeyAsync(name, "--permissions", "models");

        (await Plugin.RunAsync(system, "keys", "disable", name)).ExitCode.Should().Be(0);
        (await Gateway.WaitForAsync(system.GatewayUrl, created.ApiKey, HttpStatusCode.Unauthorized)).Code.Should().Be("disabled_api_key");

        (await Plugin.RunAsync(system, "keys", "enable", name)).ExitCode.Should().Be(0);
        (await Gateway.WaitForAsync(system.GatewayUrl, created.ApiKey, HttpStatusCode.OK)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revoke_asks_for_confirmation_and_then_revokes_for_good()
    {
        var name = UniqueName("revoke");
        var created = await CreateKeyAsync(name, "--permissions", "models");

        var declined = await Plugin.RunWithAsync(system, null, "no\n", "keys", "revoke", name);
        declined.ExitCode.Should().Be(1, declined.ToString());
        declined.Error.Should().Contain("not confirmed");
        (await GetKeyAsync(name)).GetProperty("spec").TryGetProperty("revoked", out _).Should().BeFalse();

        var confirmed = await Plugin.RunWithAsync(system, null, name + "\n", "keys", "revoke", name);
        confirmed.ExitCode.Should().Be(0, confirmed.ToString());
        (await Gateway.WaitForAsync(system.GatewayUrl, created.ApiKey, HttpStatusCode.Unauthorized)).Code.Should().Be("revoked_api_key");

        var other = UniqueName("revoke-yes");
        await CreateKeyAsync(other, "--permissions", "models");
        (await Plugin.RunAsync(system, "keys", "revoke", other, "--yes")).ExitCode.Should().Be(0);
        (await GetKeyAsync(other)).GetProperty("spec").GetProperty("revoked").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Provider_keys_add_stores_the_key_from_the_environment_and_list_shows_it()
    {
        var name = UniqueName("pk");
        var environment = new Dictionary<string, string?> { ["E2E_PROVIDER_KEY"] = await Kubectl.ExampleProviderKeyAsync(system) };

        var added = await Plugin.RunWithAsync(system, environment, null,
            "provider-keys", "add", name, "--proxy", system.Proxy, "--provider", "openai", "--from-env", "E2E_PROVIDER_KEY", "--weight", "1");

        added.ExitCode.Should().Be(0, added.ToString());
        added.Output.Should().NotContain(environment["E2E_PROVIDER_KEY"]!);
        var list = await Plugin.RunAsync(system, "provider-keys", "list");
        list.ExitCode.Should().Be(0, list.ToString());
        list.Output.Split('\n').Should().Contain(line => line.StartsWith(name + " ", StringComparison.Ordinal) && line.Contains(system.Proxy));

        var wrongProvider = await Plugin.RunWithAsync(system, environment, null,
            "provider-keys", "add", name + "-x", "--proxy", system.Proxy, "--provider", "anthropic", "--from-env", "E2E_PROVIDER_KEY");
        wrongProvider.ExitCode.Should().Be(2, wrongProvider.ToString());

        var unset = await Plugin.RunAsync(system, "provider-keys", "add", name + "-y", "--proxy", system.Proxy, "--provider", "openai", "--from-env", "E2E_UNSET_VARIABLE");
        unset.ExitCode.Should().Be(2);
        unset.Error.Should().Contain("E2E_UNSET_VARIABLE");
    }

    [Fact]
    public async Task Proxies_list_shows_the_proxy_as_ready()
    {
        var list = await Plugin.RunAsync(system, "proxies", "list");

        list.ExitCode.Should().Be(0, list.ToString());
        list.Output.Split('\n').Should().Contain(line => line.StartsWith(system.Proxy + " ", StringComparison.Ordinal) && line.Contains("True"));
    }

    [Fact]
    public async Task Audit_shows_the_keys_events_in_time_order()
    {
        var name = UniqueName("audit");
        await CreateKeyAsync(name, "--permissions", "models");
        (await Plugin.RunAsync(system, "keys", "rotate", name, "--wait", "--timeout", "90s")).ExitCode.Should().Be(0);

        var audit = await WaitForAuditAsync(name, "Rotated");

        var lines = audit.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        lines.Should().OnlyContain(line => line.Contains($"apikey/{name}"));
        lines.FindIndex(line => line.Contains(" Created ")).Should().BeLessThan(lines.FindIndex(line => line.Contains(" Rotated ")));
        var times = lines.Select(line => DateTimeOffset.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        times.Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task Unknown_names_exit_3_with_a_clear_message()
    {
        foreach (var command in new[] { new[] { "keys", "show", "no-such-key" }, ["keys", "rotate", "no-such-key"], ["audit", "no-such-key"] })
        {
            var result = await Plugin.RunAsync(system, command);

            result.ExitCode.Should().Be(3, result.ToString());
            result.Error.Should().MatchRegex("(\"no-such-key\" not found|named \"no-such-key\")");
        }

        var missingProxy = await Plugin.RunAsync(system, "keys", "create", UniqueName("orphan"), "--proxy", "no-such-proxy");
        missingProxy.ExitCode.Should().Be(3);
        missingProxy.Error.Should().Contain("proxy \"no-such-proxy\" not found");
    }

    [Fact]
    public async Task Bad_arguments_exit_2()
    {
        foreach (var command in new[]
        {
            new[] { "keys", "create", "x", "--proxy", system.Proxy, "--rate", "lots" },
            ["keys", "create", "x", "--proxy", system.Proxy, "--permissions", "chat,teleport"],
            ["keys", "create", "x"],
            ["keys", "list", "-o", "xml"],
            ["keys"],
        })
        {
            var result = await Plugin.RunAsync(system, command);

            result.ExitCode.Should().Be(2, result.ToString());
            result.Error.Should().StartWith("error: ");
        }
    }

    [Fact]
    public async Task An_unreachable_cluster_is_reported_as_such()
    {
        var kubeconfig = Path.GetTempFileName();
        try
        {
            var port = FreePorts.Take(1)[0];
            await File.WriteAllTextAsync(kubeconfig, File.ReadAllText(system.Kubeconfig).Replace(new Uri(ServerOf(system.Kubeconfig)).Authority, $"127.0.0.1:{port}", StringComparison.Ordinal));

            var result = await CommandRunner.RunAsync(Repository.PluginExecutable, ["--kubeconfig", kubeconfig, "keys", "list"]);

            result.ExitCode.Should().Be(1, result.ToString());
            result.Error.Should().Contain("cannot reach the Kubernetes API server");
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private async Task<CommandResult> WaitForAuditAsync(string name, string reason)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var audit = await Plugin.RunAsync(system, "audit", name);
            if ((audit.ExitCode == 0 && audit.Output.Contains($" {reason} ", StringComparison.Ordinal)) || DateTime.UtcNow > deadline)
            {
                audit.ExitCode.Should().Be(0, audit.ToString());
                audit.Output.Should().Contain($" {reason} ");
                return audit;
            }

            await Task.Delay(250);
        }
    }

    private async Task<(string ApiKey, string KeyId)> CreateKeyAsync(string name, params string[] options)
    {
        var result = await Plugin.RunAsync(system, ["keys", "create", name, "--proxy", system.Proxy, "-o", "json", "--timeout", "90s", .. options]);
        result.ExitCode.Should().Be(0, result.ToString());
        var created = JsonDocument.Parse(result.Output).RootElement;
        created.GetProperty("name").GetString().Should().Be(name);
        return (created.GetProperty("apiKey").GetString()!, created.GetProperty("keyId").GetString()!);
    }

    private async Task<JsonElement> GetKeyAsync(string name)
    {
        var result = await Plugin.RunAsync(system, "keys", "show", name, "-o", "json");
        result.ExitCode.Should().Be(0, result.ToString());
        return JsonDocument.Parse(result.Output).RootElement;
    }

    private static string ServerOf(string kubeconfig) =>
        File.ReadLines(kubeconfig).Select(line => line.Trim()).First(line => line.StartsWith("server:", StringComparison.Ordinal))["server:".Length..].Trim();

    private static string UniqueName(string prefix) => $"e2e-{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 17)];
}
