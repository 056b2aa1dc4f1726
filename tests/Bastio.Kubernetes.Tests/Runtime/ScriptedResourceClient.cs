using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Runtime;

/// <summary>
/// An <see cref="IResourceClient{T}"/> whose lists and watch streams are scripted by the test, for
/// informer behaviour that needs exact control (event order, fake time). Only list and watch exist.
/// </summary>
internal sealed class ScriptedResourceClient : IResourceClient<Widget>
{
    private readonly Channel<WatchCall> _watchCalls = Channel.CreateUnbounded<WatchCall>();
    private int _lists;

    /// <summary>Answers each list call; may throw.</summary>
    public Func<string?, KubernetesList<Widget>> OnList { get; set; } = _ => ListOf("1");

    public ResourceType Type => Widget.Type;

    public int Lists => Volatile.Read(ref _lists);

    public static KubernetesList<Widget> ListOf(string resourceVersion, params Widget[] items) =>
        new([.. items], metadata: new V1ListMeta { ResourceVersion = resourceVersion });

    public async Task<WatchCall> NextWatchAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _watchCalls.Reader.ReadAsync(timeout.Token);
    }

    public Task<KubernetesList<Widget>> ListAllAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        return Task.FromResult(OnList(ns));
    }

    public async IAsyncEnumerable<WatchEvent<Widget>> WatchAsync(string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = new WatchCall(ns, options);
        _watchCalls.Writer.TryWrite(call);
        await foreach (var e in call.Events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return e;
        }
    }

    public Task<Widget> GetAsync(string? ns, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Widget?> TryGetAsync(string? ns, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<KubernetesList<Widget>> ListAsync(string? ns, ListOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Widget> CreateAsync(Widget obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Widget> ReplaceAsync(Widget obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Widget> ReplaceStatusAsync(Widget obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Widget> PatchAsync(string? ns, string name, PatchType patchType, string patchJson, bool status = false, WriteOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public Task<Widget?> DeleteAsync(string? ns, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <summary>One watch request: write events into it, complete it to end the stream (with an exception to fail it).</summary>
    internal sealed record WatchCall(string? Namespace, WatchOptions Options)
    {
        public Channel<WatchEvent<Widget>> Events { get; } = Channel.CreateUnbounded<WatchEvent<Widget>>();

        public void Send(WatchEventType type, Widget widget) => Events.Writer.TryWrite(new WatchEvent<Widget>(type, widget));

        public void Bookmark(string resourceVersion) =>
            Send(WatchEventType.Bookmark, new Widget { Metadata = new V1ObjectMeta { ResourceVersion = resourceVersion } });
    }
}
