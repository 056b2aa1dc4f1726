using System.Globalization;

namespace Bastio.Benchmarks.Infrastructure;

/// <summary>What to run and how big; from the command line, else the <c>BENCH_*</c> environment variables.</summary>
internal sealed record BenchSettings
{
    public static readonly IReadOnlyList<string> AllScenarios = ["auth", "e2e", "revocation", "gateway-memory", "rate-limit-store", "operator"];

    /// <summary>ApiKeys loaded in the gateway and created for the operator (<c>BENCH_KEYS</c>).</summary>
    public int Keys { get; init; } = 10_000;

    /// <summary>Length of each <c>wrk</c> run (<c>BENCH_DURATION</c>, seconds).</summary>
    public TimeSpan WrkDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections of each saturating <c>wrk</c> run (<c>BENCH_CONNECTIONS</c>).</summary>
    public int WrkConnections { get; init; } = 32;

    /// <summary>Revocations measured one after another (<c>BENCH_REVOCATIONS</c>).</summary>
    public int Revocations { get; init; } = 20;

    /// <summary>The operator's <c>--kube-api-qps</c> in the operator scenario (<c>BENCH_OPERATOR_QPS</c>); burst is twice it.</summary>
    public int OperatorQps { get; init; } = 500;

    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    public required string RepositoryRoot { get; init; }

    /// <summary>Scenario names come from the arguments (all when none); sizes from <c>BENCH_*</c> variables.</summary>
    public static BenchSettings Load(string[] args)
    {
        var unknown = args.Where(a => !AllScenarios.Contains(a)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllScenarios)}.");
        }

        return new BenchSettings
        {
            Keys = Positive("BENCH_KEYS", 10_000),
            WrkDuration = TimeSpan.FromSeconds(Positive("BENCH_DURATION", 10)),
            WrkConnections = Positive("BENCH_CONNECTIONS", 32),
            Revocations = Positive("BENCH_REVOCATIONS", 20),
            OperatorQps = Positive("BENCH_OPERATOR_QPS", 500),
            Scenarios = args.Length > 0 ? args : AllScenarios,
            RepositoryRoot = FindRepositoryRoot(),
        };
    }

    private static int Positive(string variable, int fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{variable}='{text}' is not a positive whole number.");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bastio.K8s.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Bastio.K8s.sln not found above " + AppContext.BaseDirectory);
    }
}
