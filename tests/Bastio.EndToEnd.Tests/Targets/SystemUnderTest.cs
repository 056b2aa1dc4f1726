using System.Text.Json;
using Bastio.EndToEnd.Tests.Infrastructure;

namespace Bastio.EndToEnd.Tests.Targets;

/// <summary>
/// The running system every test in the "system" collection shares: started once by the real
/// orchestrator, or the external cluster. Either way a test gets a kubeconfig, the gateway URL and a
/// working key; only where the key came from differs.
/// </summary>
public sealed class SystemUnderTest : IAsyncLifetime
{
    private LocalRunProcess? _localRun;
    private string? _stateDirectory;

    public TargetChoice Choice { get; } = TargetChoice.FromEnvironment(Environment.GetEnvironmentVariable);

    public string Kubeconfig { get; private set; } = "";

    public Uri GatewayUrl { get; private set; } = null!;

    public string Namespace => Choice.Namespace;

    public string Proxy => Choice.Proxy;

    /// <summary>The key make run printed, or on an external cluster one the plugin created for the suite.</summary>
    public string ApiKey { get; private set; } = "";

    /// <summary>make run's output, or null on an external cluster (nothing printed it).</summary>
    public PrintedBanner? Banner { get; private set; }

    public async Task InitializeAsync()
    {
        if (Choice.IsExternal)
        {
            Kubeconfig = Choice.Kubeconfig!;
            GatewayUrl = Choice.GatewayUrl!;
            var created = await Plugin.RunAsync(this, "keys", "create", $"e2e-suite-{Guid.NewGuid():N}"[..24], "--proxy", Proxy,
                "--permissions", "chat,completions,embeddings,models", "--timeout", "120s", "-o", "json");
            created.ExitCode.Should().Be(0, created.ToString());
            ApiKey = JsonDocument.Parse(created.Output).RootElement.GetProperty("apiKey").GetString()!;
            return;
        }

        _stateDirectory = Directory.CreateTempSubdirectory("bastio-e2e-").FullName;
        _localRun = LocalRunProcess.Start(LocalRunPorts.Free(), _stateDirectory);
        Banner = await _localRun.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
        Kubeconfig = Banner.Kubeconfig;
        GatewayUrl = Banner.GatewayUrl;
        ApiKey = Banner.ApiKey;
    }

    public async Task DisposeAsync()
    {
        if (_localRun is not null)
        {
            await _localRun.DisposeAsync();
        }

        if (_stateDirectory is not null)
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }

        if (Directory.Exists(Kubectl.CacheDirectory["KUBECACHEDIR"]))
        {
            Directory.Delete(Kubectl.CacheDirectory["KUBECACHEDIR"]!, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemUnderTest>
{
    public const string Name = "system";
}
