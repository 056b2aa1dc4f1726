using Bastio.EndToEnd.Tests.Infrastructure;
using Bastio.EndToEnd.Tests.Targets;
using Bastio.LocalRun;

namespace Bastio.EndToEnd.Tests;

/// <summary>The curl command make run prints works when pasted into a shell.</summary>
[Collection(SystemCollection.Name)]
public sealed class CurlTests(SystemUnderTest system)
{
    [Fact]
    public async Task The_printed_curl_returns_a_completion()
    {
        // On an external cluster nothing printed a banner: render the same one for the suite's key.
        var curl = system.Banner?.Curl
            ?? PrintedBanner.ExtractCurl(Banner.Render(system.GatewayUrl, system.ApiKey, "e2e", "e2e-key", system.Namespace, system.Kubeconfig, "logs"));

        var result = await CommandRunner.RunAsync("bash", ["-c", curl + " --fail-with-body"]);

        result.ExitCode.Should().Be(0, "curl must succeed; stderr: {0}", result.Error);
        result.Output.Should().Contain("\"choices\"");
        if (!system.Choice.IsExternal)
        {
            result.Output.Should().Contain("Hello from the stub.");
        }
    }
}
