using Bastio.Crds;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.RateLimiting;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Tests.Unit;

/// <summary>A warning about an invalid object is logged once per version of that object, not on every rebuild.</summary>
public sealed class SnapshotWarningsTests
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly SnapshotBuilder _builder;

    public SnapshotWarningsTests()
    {
        var factory = LoggerFactory.Create(logging => logging.AddProvider(_logs));
        _builder = new SnapshotBuilder(new BucketStore(TimeProvider.System), factory.CreateLogger<SnapshotBuilder>());
    }

    [Fact]
    public void An_invalid_proxy_is_reported_once_per_change_not_on_every_rebuild()
    {
        var broken = Proxy("broken", resourceVersion: "10", timeout: "soon");
        var fine = Proxy("fine", resourceVersion: "11");

        Build(broken, fine);
        Build(broken, fine);
        Build(broken, Proxy("fine", resourceVersion: "12"));
        Warnings("team-a/broken").Should().Be(1, "rebuilds caused by other objects repeat nothing");

        Build(Proxy("broken", resourceVersion: "13", timeout: "later"), fine);
        Warnings("team-a/broken").Should().Be(2, "a change that leaves the object invalid is reported again");

        Build(Proxy("broken", resourceVersion: "14"), fine);
        Build(Proxy("broken", resourceVersion: "15", timeout: "soon"), fine);
        Build(Proxy("broken", resourceVersion: "15", timeout: "soon"), fine);
        Warnings("team-a/broken").Should().Be(3, "fixed and broken again is a new problem, reported once");
    }

    private void Build(params Proxy[] proxies) => _builder.Build(new ConfigurationObjects([], proxies, [], []));

    private int Warnings(string proxy) => _logs.Lines.Count(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains($"Proxy {proxy} is not served", StringComparison.Ordinal));

    private static Proxy Proxy(string name, string resourceVersion, string? timeout = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-a", Uid = "uid-" + name, ResourceVersion = resourceVersion },
        Spec = new ProxySpec { Provider = "openai", Upstream = "https://api.openai.com/v1", Timeout = timeout },
    };
}
