using Bastio.Core;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

public sealed class StartupTests
{
    [Fact]
    public async Task Keys_that_exist_before_the_encryption_key_wait_for_it_quietly()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(startOperator: false);
        await env.CreateProxyAsync();
        for (var i = 0; i < 3; i++)
        {
            await env.CreateApiKeyAsync("early-" + i);
        }

        (await env.Api.Secrets.TryGetAsync(OperatorTestEnvironment.SystemNamespace, WellKnown.EncryptionKeySecret.Name)).Should().BeNull("the operator creates it at start-up");
        await env.StartOperatorAsync();
        for (var i = 0; i < 3; i++)
        {
            await env.WaitForApiKeyAsync("early-" + i, a => a.Status?.Phase == "Active", "is Active once the encryption key exists");
        }

        env.Logs.Lines.Should().NotContain(l => l.Contains("EncryptionKeyUnavailableException", StringComparison.Ordinal), "waiting for the encryption key is expected at start-up, not a failure with a stack trace");
    }
}
