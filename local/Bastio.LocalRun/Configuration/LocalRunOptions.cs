using System.Globalization;

namespace Bastio.LocalRun.Configuration;

/// <summary>One local port: its default, the environment variable that overrides it, and who listens on it.</summary>
public sealed record LocalPort(string Component, string Variable, int Port);

/// <summary>Where things are and which ports to use; ports come from the environment as docs/reference/flags.md#make-run-ports documents.</summary>
public sealed record LocalRunOptions
{
    /// <summary>The repository root: holds crds/, examples/ and the build output of every component.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The build configuration whose output is started (<c>make run</c> builds Release).</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>Kubeconfig and logs; <c>.bastio</c> under the repository root unless tests isolate it.</summary>
    public required string StateDirectory { get; init; }

    public required LocalPort ClusterPort { get; init; }

    public required LocalPort GatewayPort { get; init; }

    public required LocalPort GatewayAdminPort { get; init; }

    public required LocalPort OperatorAdminPort { get; init; }

    public required LocalPort StubPort { get; init; }

    public string SystemNamespace { get; init; } = "bastio-system";

    /// <summary>Where the examples are applied.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The example ApiKey whose key is printed.</summary>
    public string ExampleKey { get; init; } = "demo";

    /// <summary>How long each start-up step may take before the run gives up and says which one hung.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long children get to exit after SIGTERM before they are killed.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    public string KubeconfigPath => Path.Combine(StateDirectory, "kubeconfig");

    public string LogDirectory => Path.Combine(StateDirectory, "logs");

    /// <summary>The stub's CA certificate (PEM), made fresh by every run; the gateway and the operator get it as <c>--upstream-ca-file</c>.</summary>
    public string UpstreamCaPath => Path.Combine(StateDirectory, "upstream-ca.pem");

    /// <summary>The stub's address and the one internal address the gateway and the operator may reach (<c>--upstream-allow-cidrs</c>).</summary>
    public string StubAllowedCidr => "127.0.0.1/32";

    public IEnumerable<LocalPort> Ports => [ClusterPort, StubPort, OperatorAdminPort, GatewayPort, GatewayAdminPort];

    public Uri GatewayUrl => new($"http://127.0.0.1:{GatewayPort.Port}/v1");

    public static LocalRunOptions FromEnvironment(string repositoryRoot, string configuration, string? stateDirectory, Func<string, string?> getVariable)
    {
        LocalPort Port(string component, string variable, int defaultPort)
        {
            var text = getVariable(variable);
            if (string.IsNullOrEmpty(text))
            {
                return new(component, variable, defaultPort);
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? new(component, variable, port)
                : throw new ArgumentException($"{variable}={text} is not a port number (1-65535)");
        }

        return new()
        {
            RepositoryRoot = repositoryRoot,
            Configuration = configuration,
            StateDirectory = stateDirectory ?? Path.Combine(repositoryRoot, ".bastio"),
            ClusterPort = Port("test cluster", "BASTIO_CLUSTER_PORT", 16443),
            GatewayPort = Port("gateway", "BASTIO_GATEWAY_PORT", 18080),
            GatewayAdminPort = Port("gateway admin", "BASTIO_GATEWAY_ADMIN_PORT", 18090),
            OperatorAdminPort = Port("operator admin", "BASTIO_OPERATOR_ADMIN_PORT", 18091),
            StubPort = Port("stub upstream", "BASTIO_STUB_PORT", 18081),
        };
    }
}
