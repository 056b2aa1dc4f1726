using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bastio.EndToEnd.Tests.Infrastructure;
using Bastio.EndToEnd.Tests.Targets;

namespace Bastio.EndToEnd.Tests;

/// <summary>
/// npm's official openai SDK and <c>curl --compressed</c> against the gateway: both ask for compressed
/// answers, and their token usage must be counted all the same; the SDK's multipart uploads have
/// their model checked.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class NodeSdkTests(SystemUnderTest system)
{
    private static readonly string OpenAISdk = Path.Combine(Repository.Root, ".tools", "node_modules", "openai");

    [Fact]
    public async Task Usage_of_the_openai_npm_sdk_with_its_default_headers_is_counted()
    {
        var key = await CreateServedKeyAsync(system.Proxy, "chat,models,analytics");

        var chat = await RunSdkAsync(key, "chat");

        var result = chat.GetProperty("result");
        result.GetProperty("usage").GetProperty("prompt_tokens").GetInt64().Should().BePositive();
        if (!system.Choice.IsExternal)
        {
            result.GetProperty("text").GetString().Should().Be("Hello from the stub.");
            result.GetProperty("streamed").GetString().Should().Be("Hello from the stub.");
        }

        await ExpectUsageAsync(key, requests: 2, promptTokens: 2 * result.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
    }

    [Fact]
    public async Task Usage_of_curl_compressed_is_counted()
    {
        var key = await CreateServedKeyAsync(system.Proxy, "chat,models,analytics");
        var url = system.GatewayUrl.ToString().TrimEnd('/') + "/chat/completions";

        var json = await CurlAsync(key, url, stream: false);
        var streamed = await CurlAsync(key, url, stream: true);

        json.ExitCode.Should().Be(0, json.ToString());
        json.Output.Should().Contain("\"usage\"");
        streamed.ExitCode.Should().Be(0, streamed.ToString());
        streamed.Output.Should().Contain("data: [DONE]");
        var prompt = JsonDocument.Parse(json.Output).RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64();
        await ExpectUsageAsync(key, requests: 2, promptTokens: 2 * prompt);
    }

    [Fact]
    public async Task The_sdks_multipart_transcription_has_its_model_checked()
    {
        var proxy = $"e2e-limited-{Guid.NewGuid():N}"[..20];
        var upstream = await Kubectl.RunAsync(system, "get", "proxy", system.Proxy, "-o", "jsonpath={.spec.upstream}");
        upstream.ExitCode.Should().Be(0, upstream.ToString());
        var manifest = Path.Combine(Path.GetTempPath(), proxy + ".json");
        await File.WriteAllTextAsync(manifest, $$$"""
            {"apiVersion": "bastio.io/v1alpha1", "kind": "Proxy", "metadata": {"name": "{{{proxy}}}"},
             "spec": {"provider": "openai", "upstream": "{{{upstream.Output.Trim()}}}", "allowedModels": ["whisper-1"]}}
            {"apiVersion": "bastio.io/v1alpha1", "kind": "ProviderKey", "metadata": {"name": "{{{proxy}}}-pk"},
             "spec": {"proxyRef": {"name": "{{{proxy}}}"}, "secretRef": {"name": "openai-credentials", "key": "apiKey"}} }
            """);
        var created = await Kubectl.RunAsync(system, "create", "-f", manifest);
        File.Delete(manifest);
        created.ExitCode.Should().Be(0, created.ToString());
        try
        {
            var key = await CreateServedKeyAsync(proxy, "audio,models");

            var refused = await RunSdkAsync(key, "transcribe", "gpt-4o-transcribe");

            refused.GetProperty("error").GetProperty("status").GetInt32().Should().Be(403);
            refused.GetProperty("error").GetProperty("code").GetString().Should().Be("model_not_allowed");
            if (!system.Choice.IsExternal)
            {
                // The stub echoes the route it was asked: the upload got through, body intact enough to route.
                var allowed = await RunSdkAsync(key, "transcribe", "whisper-1");
                allowed.GetProperty("result").GetProperty("path").GetString().Should().Be("/audio/transcriptions");
            }
        }
        finally
        {
            await Kubectl.RunAsync(system, "delete", "proxy", proxy, "--ignore-not-found");
            await Kubectl.RunAsync(system, "delete", "providerkey", proxy + "-pk", "--ignore-not-found");
        }
    }

    private async Task<string> CreateServedKeyAsync(string proxy, string permissions)
    {
        var created = await Plugin.RunAsync(system, "keys", "create", $"e2e-sdk-{Guid.NewGuid():N}"[..20], "--proxy", proxy,
            "--permissions", permissions, "--timeout", "120s", "-o", "json");
        created.ExitCode.Should().Be(0, created.ToString());
        var key = JsonDocument.Parse(created.Output).RootElement.GetProperty("apiKey").GetString()!;
        var served = await Gateway.WaitForAsync(system.GatewayUrl, key, HttpStatusCode.OK, TimeSpan.FromSeconds(90));
        served.Status.Should().Be(HttpStatusCode.OK, "the gateway serves the new key ({0})", served.Code);
        return key;
    }

    private async Task<JsonElement> RunSdkAsync(string key, params string[] arguments)
    {
        File.Exists(Path.Combine(OpenAISdk, "package.json")).Should().BeTrue("`make tools` installs npm's openai into .tools/");
        var result = await CommandRunner.RunAsync("node", [Path.Combine(Repository.Root, "tests", "Bastio.EndToEnd.Tests", "Sdk", "openai-node.cjs"), .. arguments],
            new Dictionary<string, string?> { ["OPENAI_SDK"] = OpenAISdk, ["GATEWAY_URL"] = system.GatewayUrl.ToString(), ["API_KEY"] = key });
        result.ExitCode.Should().Be(0, result.ToString());
        return JsonDocument.Parse(result.Output).RootElement;
    }

    private static Task<CommandResult> CurlAsync(string key, string url, bool stream) =>
        CommandRunner.RunAsync("curl", ["-sS", "--fail-with-body", "--compressed", url,
            "-H", "Authorization: Bearer " + key, "-H", "Content-Type: application/json",
            "-d", $$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true, \"stream_options\":{\"include_usage\":true}" : "false")}},"messages":[{"role":"user","content":"Hello!"}]}"""]);

    /// <summary>The key's <c>/v1/usage</c>: usage is recorded when the answer completes, so it is polled briefly.</summary>
    private async Task ExpectUsageAsync(string key, long requests, long promptTokens)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string body;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl.ToString().TrimEnd('/') + "/usage");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.OK, body);
            var rows = JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray().ToList();
            if ((rows.Sum(row => row.GetProperty("requests").GetInt64()) >= requests) || DateTime.UtcNow >= deadline)
            {
                rows.Sum(row => row.GetProperty("requests").GetInt64()).Should().Be(requests, body);
                rows.Sum(row => row.GetProperty("prompt_tokens").GetInt64()).Should().Be(promptTokens, body);
                rows.Sum(row => row.GetProperty("completion_tokens").GetInt64()).Should().BePositive(body);
                return;
            }

            await Task.Delay(200);
        }
    }
}
