using System.Net;

namespace Bastio.Kubernetes.Conformance.Tests;

/// <summary>Selectors, paging and the resourceVersion semantics of a list, through the official client.</summary>
public sealed class ListTests : ConformanceTestBase
{
    private async Task<V1ConfigMap> CreateAsync(string name, string tier) =>
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } },
        }, Ns);

    [Fact]
    public async Task Label_and_field_selectors_filter_the_list()
    {
        await CreateAsync("web-1", "web");
        await CreateAsync("web-2", "web");
        await CreateAsync("db-1", "db");

        (await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "tier=web")).Items.Select(i => i.Metadata.Name).Should().Equal("web-1", "web-2");
        (await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "tier notin (web)")).Items.Select(i => i.Metadata.Name).Should().Equal("db-1");
        (await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, fieldSelector: "metadata.name=web-2")).Items.Should().ContainSingle();
        await FailsWithAsync(HttpStatusCode.BadRequest, () => Client.CoreV1.ListNamespacedConfigMapAsync(Ns, fieldSelector: "data.x=1"));
    }

    [Fact]
    public async Task Paging_with_limit_and_continue_returns_a_consistent_snapshot()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync($"page-{i}", "paged");
        }

        var first = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 2);
        await CreateAsync("page-9", "paged");
        var names = first.Items.Select(i => i.Metadata.Name).ToList();
        var token = first.Metadata.ContinueProperty;
        first.Metadata.RemainingItemCount.Should().Be(3);
        while (token is not null)
        {
            var page = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 2, continueParameter: token);
            page.Metadata.ResourceVersion.Should().Be(first.Metadata.ResourceVersion);
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
        }

        names.Should().Equal("page-0", "page-1", "page-2", "page-3", "page-4");
    }

    [Fact]
    public async Task An_expired_continue_token_is_410_Expired()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync($"exp-{i}", "paged");
        }

        var first = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 1);

        // The server keeps a bounded number of paged snapshots, as etcd compacts: enough newer ones forget the first.
        for (var i = 0; i < 100; i++)
        {
            await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 1);
        }

        var status = await FailsWithAsync(HttpStatusCode.Gone, () => Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 1, continueParameter: first.Metadata.ContinueProperty));
        status.Reason.Should().Be("Expired");
    }

    [Fact]
    public async Task A_future_resourceVersion_with_NotOlderThan_is_504_Too_large_resource_version()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        var future = (long.Parse(list.Metadata.ResourceVersion) + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var status = await FailsWithAsync(HttpStatusCode.GatewayTimeout,
            () => Client.CoreV1.ListNamespacedConfigMapAsync(Ns, resourceVersion: future, resourceVersionMatch: "NotOlderThan"));

        status.Reason.Should().Be("Timeout");
        status.Message.Should().StartWith($"Timeout: Too large resource version: {future}, current: ");
        status.Details.RetryAfterSeconds.Should().Be(1);
        status.Details.Causes.Should().ContainSingle(c => c.Reason == "ResourceVersionTooLarge");
    }

    [Fact]
    public async Task A_version_reached_while_waiting_is_served()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        var next = (long.Parse(list.Metadata.ResourceVersion) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var waiting = Client.CoreV1.ListNamespacedConfigMapAsync(Ns, resourceVersion: next, resourceVersionMatch: "NotOlderThan");
        await CreateAsync("arrives", "x");

        (await waiting).Items.Should().Contain(i => i.Metadata.Name == "arrives");
    }

    [Fact]
    public async Task Exact_lists_the_state_at_that_version()
    {
        await CreateAsync("then", "x");
        var then = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        await CreateAsync("later", "x");
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("then", Ns);

        var exact = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, resourceVersion: then.Metadata.ResourceVersion, resourceVersionMatch: "Exact");

        exact.Metadata.ResourceVersion.Should().Be(then.Metadata.ResourceVersion);
        exact.Items.Select(i => i.Metadata.Name).Should().Equal("then");
        (await Client.CoreV1.ListNamespacedConfigMapAsync(Ns)).Items.Select(i => i.Metadata.Name).Should().Equal("later");
    }

    [Fact]
    public async Task Exact_with_resourceVersion_0_or_without_a_version_is_422_on_ListOptions()
    {
        var zero = await FailsWithAsync(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.ListNamespacedConfigMapAsync(Ns, resourceVersion: "0", resourceVersionMatch: "Exact"));
        var none = await FailsWithAsync(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.ListNamespacedConfigMapAsync(Ns, resourceVersionMatch: "NotOlderThan"));

        zero.Details.Kind.Should().Be("ListOptions");
        none.Details.Causes.Should().ContainSingle(c => c.Field == "resourceVersionMatch");
    }
}
