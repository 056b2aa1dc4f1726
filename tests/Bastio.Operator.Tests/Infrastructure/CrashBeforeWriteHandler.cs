namespace Bastio.Operator.Tests.Infrastructure;

/// <summary>Thrown instead of a write once the budget is spent: the process "dies" right before it.</summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("Simulated crash before a write.")
    {
    }
}

/// <summary>
/// In the official client's pipeline: passes reads through and lets <see cref="WriteBudget"/> writes happen;
/// the next write throws <see cref="SimulatedCrashException"/> without reaching the server, as if the
/// operator died between two writes.
/// </summary>
internal sealed class CrashBeforeWriteHandler : DelegatingHandler
{
    private int _budget = int.MaxValue;

    public int WriteBudget
    {
        get => Volatile.Read(ref _budget);
        set => Volatile.Write(ref _budget, value);
    }

    /// <summary>Counts one write (an API call the operator makes outside this client, e.g. posting an Event) against the budget.</summary>
    public void SpendWrite()
    {
        if (Interlocked.Decrement(ref _budget) < 0)
        {
            Interlocked.Exchange(ref _budget, 0);
            throw new SimulatedCrashException();
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get)
        {
            SpendWrite();
        }

        return base.SendAsync(request, cancellationToken);
    }
}
