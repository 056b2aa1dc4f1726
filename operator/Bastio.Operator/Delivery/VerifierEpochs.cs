namespace Bastio.Operator.Delivery;

/// <summary>
/// Hands out the installation's verifier epochs and makes the writes that carry them commit in epoch
/// order: one epoch-carrying write at a time. A gateway replica whose watch shows epoch N has therefore
/// seen every verifier written with a lower epoch, so it acknowledges all of them with one number.
/// </summary>
/// <param name="highestKnown">
/// The highest epoch already written or acknowledged (read once, before the first epoch): a new leader
/// must continue above what the previous one handed out, whatever its clock says.
/// </param>
internal sealed class VerifierEpochs(TimeProvider timeProvider, Func<long> highestKnown)
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _last = -1;

    /// <summary>Runs <paramref name="write"/> with the next epoch, after every earlier epoch's write completed.</summary>
    public async Task<(T Result, long Epoch)> WriteWithNextAsync<T>(Func<long, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_last < 0)
            {
                _last = highestKnown();
            }

            // Microseconds of the wall clock when that is higher: epochs stay increasing across restarts
            // even when the highest one written has since been deleted with its ApiKey.
            var epoch = Math.Max(_last + 1, timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
            _last = epoch;
            return (await write(epoch).ConfigureAwait(false), epoch);
        }
        finally
        {
            _writing.Release();
        }
    }
}
