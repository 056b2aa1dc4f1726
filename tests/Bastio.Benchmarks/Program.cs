using Bastio.Benchmarks;
using Bastio.Benchmarks.Infrastructure;

BenchSettings settings;
try
{
    settings = BenchSettings.Load(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

return await BenchRunner.RunAsync(settings);
