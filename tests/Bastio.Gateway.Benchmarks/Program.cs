using BenchmarkDotNet.Running;
using Bastio.Gateway.Benchmarks;

// `--scenarios [--keys N]` runs the cluster scenarios; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--scenarios")
{
    var keys = args.Length > 2 && args[1] == "--keys" ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    await ClusterScenarios.RunAsync(keys);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(AuthDecisionBenchmarks).Assembly).Run(args);
return 0;
