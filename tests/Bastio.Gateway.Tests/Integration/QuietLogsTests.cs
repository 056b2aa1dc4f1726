using System.Net;
using Bastio.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Requests leave one access-log line each and nothing in the logs at the production log level.</summary>
public sealed class QuietLogsTests
{
    [Fact]
    public async Task Requests_log_nothing_at_information_or_above_besides_the_access_log()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(options => options.MinimumLogLevel = LogLevel.Information);
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        var before = env.Logs.Lines.Count;

        for (var round = 0; round < 5; round++)
        {
            (await env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await env.SendAsync(HttpMethod.Post, "/v1/chat/completions", key, """{"model":"gpt-4o-mini","stream":true,"messages":[]}""")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await env.SendAsync(HttpMethod.Get, "/v1/models", key)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await env.ChatAsync("sk-bastio-live-unknown")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await env.SendAsync(HttpMethod.Get, "/nowhere")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            foreach (var admin in new[] { "readyz", "healthz", "metrics" })
            {
                (await env.Http.GetAsync(new Uri(env.Gateway.AdminUrl, admin))).StatusCode.Should().Be(HttpStatusCode.OK);
            }
        }

        env.AccessLog.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCountGreaterThanOrEqualTo(25, "every client request has its access-log line");
        env.Logs.Lines.Skip(before).Where(line => !line.StartsWith("Debug", StringComparison.Ordinal) && !line.StartsWith("Trace", StringComparison.Ordinal))
            .Should().BeEmpty("per-request logging above Debug would drown the logs of a busy gateway");
    }
}
