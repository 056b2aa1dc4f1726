using Bastio.Operator.Configuration;
using Bastio.Operator.Hosting;

namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>Runs the operator's <c>rotate</c> command (what the rotation CronJob runs) against the test environment.</summary>
internal static class RotateCommand
{
    public static async Task<(int Code, string Output)> RunAsync(OperatorTestEnvironment env, string name, TimeSpan? wait = null)
    {
        using var output = new StringWriter();
        var options = new RotateOptions(null, null, OperatorTestEnvironment.Namespace, name, wait ?? TimeSpan.FromSeconds(30));
        var code = await OperatorProgram.RotateAsync(env.Api.ApiKeys, options, output, TimeProvider.System, CancellationToken.None);
        return (code, output.ToString());
    }
}
