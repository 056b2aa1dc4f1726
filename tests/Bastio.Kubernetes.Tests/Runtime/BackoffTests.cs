using Bastio.Kubernetes.Runtime;

namespace Bastio.Kubernetes.Tests.Runtime;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 800)]
    [InlineData(1, 1600)]
    [InlineData(3, 6400)]
    [InlineData(10, 30_000)]
    [InlineData(1000, 30_000)]
    public void Doubles_per_failure_up_to_the_cap_and_adds_at_most_the_jitter(int failures, int baseMs)
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 200).Select(_ => Backoff.Exponential(failures, Min, Max, 1.0, random)).ToList();

        delays.Should().OnlyContain(d => d >= TimeSpan.FromMilliseconds(baseMs) && d < TimeSpan.FromMilliseconds(2 * baseMs));
        delays.Distinct().Should().HaveCountGreaterThan(100, "jitter spreads the retries");
    }
}
