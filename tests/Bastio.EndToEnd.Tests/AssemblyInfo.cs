// Each collection runs whole systems of processes; on a shared two-core machine, one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
