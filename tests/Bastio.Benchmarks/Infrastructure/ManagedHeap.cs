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
}
