namespace Bastio.Benchmarks.Infrastructure;

internal static class ManagedHeap
{
    /// <summary>Live managed bytes after full, compacting, blocking collections (finalizers run in between).</summary>
    public static long LiveBytes()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>
    /// <see cref="LiveBytes"/> once two readings a quarter second apart agree within 256 KiB (or after five
    /// seconds): hosts stopped just before still release connections and buffers for a moment, and a
    /// reading taken meanwhile would charge or credit that to whatever is measured next.
    /// </summary>
    public static async Task<long> SettledLiveBytesAsync()
    {
        var previous = LiveBytes();
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            var current = LiveBytes();
            if (Math.Abs(current - previous) < 256 * 1024)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }
}
