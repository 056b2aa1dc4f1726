using System.Text.Json.Serialization.Metadata;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;

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
/// Passes reads through and lets <see cref="WriteBudget"/> writes happen; the next write throws
/// <see cref="SimulatedCrashException"/> without reaching the server, as if the operator died between two writes.
/// </summary>
internal sealed class CrashingKubernetesClient(IKubernetesClient inner) : IKubernetesClient
{
    private int _budget = int.MaxValue;

    public Uri Server => inner.Server;

    public int WriteBudget
    {
        get => Volatile.Read(ref _budget);
        set => Volatile.Write(ref _budget, value);
    }

    public IResourceClient<T> Resource<T>(ResourceType type, JsonTypeInfo<T> typeInfo, JsonTypeInfo<KubernetesList<T>> listTypeInfo)
        where T : class, IKubernetesObject =>
        new Crashing<T>(inner.Resource(type, typeInfo, listTypeInfo), this);

    /// <summary>Counts one write (an API call the operator makes outside this client, e.g. posting an Event) against the budget.</summary>
    public void SpendWrite()
    {
        if (Interlocked.Decrement(ref _budget) < 0)
        {
            Interlocked.Exchange(ref _budget, 0);
            throw new SimulatedCrashException();
        }
    }

    private sealed class Crashing<T>(IResourceClient<T> inner, CrashingKubernetesClient owner) : IResourceClient<T>
        where T : class, IKubernetesObject
    {
        public ResourceType Type => inner.Type;

        public Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken = default) => inner.GetAsync(ns, name, cancellationToken);

        public Task<T?> TryGetAsync(string? ns, string name, CancellationToken cancellationToken = default) => inner.TryGetAsync(ns, name, cancellationToken);

        public Task<KubernetesList<T>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default) => inner.ListAsync(ns, options, cancellationToken);

        public Task<KubernetesList<T>> ListAllAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default) => inner.ListAllAsync(ns, options, cancellationToken);

        public IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, WatchOptions options, CancellationToken cancellationToken = default) => inner.WatchAsync(ns, options, cancellationToken);

        public Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
        {
            owner.SpendWrite();
            return inner.CreateAsync(obj, options, cancellationToken);
        }

        public Task<T> ReplaceAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
        {
            owner.SpendWrite();
            return inner.ReplaceAsync(obj, options, cancellationToken);
        }

        public Task<T> ReplaceStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
        {
            owner.SpendWrite();
            return inner.ReplaceStatusAsync(obj, options, cancellationToken);
        }

        public Task<T> PatchAsync(string? ns, string name, PatchType patchType, string patchJson, bool status = false, WriteOptions? options = null, CancellationToken cancellationToken = default)
        {
            owner.SpendWrite();
            return inner.PatchAsync(ns, name, patchType, patchJson, status, options, cancellationToken);
        }

        public Task<T?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        {
            owner.SpendWrite();
            return inner.DeleteAsync(ns, name, options, cancellationToken);
        }
    }
}
