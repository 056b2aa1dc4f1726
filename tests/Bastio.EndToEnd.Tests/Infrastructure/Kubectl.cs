using System.Text;
using Bastio.EndToEnd.Tests.Targets;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>kubectl against the system under test, with a private discovery cache.</summary>
public static class Kubectl
{
    public static Task<CommandResult> RunAsync(SystemUnderTest system, params string[] arguments) =>
        CommandRunner.RunAsync("kubectl", ["--kubeconfig", system.Kubeconfig, "-n", system.Namespace, .. arguments], CacheDirectory);

    /// <summary>
    /// The provider credential the example OpenAI proxy works with. Provider keys a test adds use it
    /// too: a bogus one would take a share of the proxy's traffic and fail other tests' calls.
    /// </summary>
    public static async Task<string> ExampleProviderKeyAsync(SystemUnderTest system)
    {
        var result = await RunAsync(system, "get", "secret", "openai-credentials", "-o", "jsonpath={.data.apiKey}");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"cannot read Secret openai-credentials: {result.Error}");
        }

        return Encoding.UTF8.GetString(Convert.FromBase64String(result.Output.Trim()));
    }

    public static IReadOnlyDictionary<string, string?> CacheDirectory { get; } = new Dictionary<string, string?>
    {
        ["KUBECACHEDIR"] = Path.Combine(Path.GetTempPath(), $"bastio-e2e-kube-cache-{Guid.NewGuid():N}"),
    };
}
