namespace Bastio.Kubernetes.Runtime;

/// <summary>Retry delays with jitter, shared by the loops that talk to the API server.</summary>
internal static class Backoff
{
    /// <summary>
    /// <c>min * 2^failures</c> capped at <paramref name="max"/>, then stretched by a random factor in
    /// [1, 1 + <paramref name="jitter"/>) so that many replicas reconnecting after an outage spread out.
    /// </summary>
    public static TimeSpan Exponential(int failures, TimeSpan min, TimeSpan max, double jitter, Random random)
    {
        var ticks = Math.Min(max.Ticks, min.Ticks * Math.Pow(2, Math.Clamp(failures, 0, 62)));
        return TimeSpan.FromTicks((long)(ticks * (1 + (jitter * random.NextDouble()))));
    }
}
