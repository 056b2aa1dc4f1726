using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.Readiness;

namespace Bastio.Kubernetes.Tests.Runtime.Readiness;

public sealed class ReadinessTrackerTests
{
    [Fact]
    public async Task Ready_only_once_every_registered_informer_has_synced()
    {
        var tracker = new ReadinessTracker();
        tracker.IsReady.Should().BeFalse("nothing registered is not ready");

        var first = new ScriptedResourceClient();
        var second = new ScriptedResourceClient { OnList = _ => throw new HttpRequestException("down") };
        var a = new Informer<Widget>(first);
        var b = new Informer<Widget>(second, new InformerOptions { MinBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(10) });
        tracker.Register(a);
        tracker.Register(b);
        using var stop = new CancellationTokenSource();
        var runs = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };

        await a.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        tracker.IsReady.Should().BeFalse();

        second.OnList = _ => ScriptedResourceClient.ListOf("1");
        await tracker.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromSeconds(10));
        tracker.IsReady.Should().BeTrue();

        await stop.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
