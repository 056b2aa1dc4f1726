using System.Text;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.Kubernetes.Tests.Api;

public sealed class ClusterCrudTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private readonly IKubernetes _client = cluster.Client;

    private static V1ConfigMap Map(string ns, string name, Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels }, Data = new Dictionary<string, string> { ["k"] = "v" } };

    [Fact]
    public async Task Create_get_replace_patch_and_delete_round_trip()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();

        var created = await maps.CreateAsync(Map(ns, "m"));
        var fetched = await maps.GetAsync(ns, "m");
        fetched.Data!["k"] = "v2";
        var replaced = await maps.ReplaceAsync(fetched);
        var merged = await maps.PatchAsync(ns, "m", PatchType.Merge, """{"data":{"merge":"1"}}""");
        var jsonPatched = await maps.PatchAsync(ns, "m", PatchType.Json, """[{"op":"add","path":"/data/json","value":"2"}]""");
        var strategic = await maps.PatchAsync(ns, "m", PatchType.StrategicMerge, """{"data":{"k":null}}""");
        var deleted = await maps.DeleteAsync(ns, "m");

        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        created.Metadata.CreationTimestamp.Should().NotBeNull();
        fetched.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
        replaced.Metadata.ResourceVersion.Should().NotBe(created.Metadata.ResourceVersion);
        replaced.Data!["k"].Should().Be("v2");
        merged.Data.Should().Contain("merge", "1");
        jsonPatched.Data.Should().Contain("json", "2");
        strategic.Data.Should().NotContainKey("k").And.ContainKeys("merge", "json");
        deleted.Should().BeNull();
        (await maps.TryGetAsync(ns, "m")).Should().BeNull();
        await maps.Invoking(m => m.GetAsync(ns, "m")).Should().ThrowAsync<NotFoundException>().WithMessage("configmaps \"m\" not found");
    }

    [Fact]
    public async Task A_duplicate_create_is_AlreadyExists_and_a_stale_replace_is_Conflict()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();
        var first = await maps.CreateAsync(Map(ns, "m"));
        await maps.PatchAsync(ns, "m", PatchType.Merge, """{"data":{"other":"writer"}}""");

        await maps.Invoking(m => m.CreateAsync(Map(ns, "m"))).Should().ThrowAsync<AlreadyExistsException>();
        first.Data!["k"] = "lost update";
        var conflict = await maps.Invoking(m => m.ReplaceAsync(first)).Should().ThrowAsync<ConflictException>();
        conflict.Which.Reason.Should().Be("Conflict");
        (await maps.GetAsync(ns, "m")).Data!["k"].Should().Be("v");
    }

    [Fact]
    public async Task Lists_page_with_limit_and_continue_and_filter_by_selectors()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();
        for (var i = 0; i < 5; i++)
        {
            await maps.CreateAsync(Map(ns, $"m{i}", new() { ["tier"] = i % 2 == 0 ? "even" : "odd" }));
        }

        var firstPage = await maps.ListAsync(ns, new ListOptions { Limit = 2 });
        var secondPage = await maps.ListAsync(ns, new ListOptions { Limit = 2, Continue = firstPage.Metadata.ContinueProperty });
        var all = await maps.ListAllAsync(ns, new ListOptions { Limit = 2 });
        var even = await maps.ListAllAsync(ns, new ListOptions { LabelSelector = "tier=even" });
        var byName = await maps.ListAsync(ns, new ListOptions { FieldSelector = "metadata.name=m3" });
        var everywhere = await maps.ListAllAsync(null, new ListOptions { LabelSelector = "tier in (odd)" });

        firstPage.Items.Should().HaveCount(2);
        firstPage.Metadata.ContinueProperty.Should().NotBeNullOrEmpty();
        secondPage.Items.Select(m => m.Metadata.Name).Should().NotIntersectWith(firstPage.Items.Select(m => m.Metadata.Name));
        all.Items.Select(m => m.Metadata.Name).Should().BeEquivalentTo(["m0", "m1", "m2", "m3", "m4"]);
        all.Metadata.ResourceVersion.Should().NotBeNullOrEmpty();
        even.Items.Select(m => m.Metadata.Name).Should().BeEquivalentTo(["m0", "m2", "m4"]);
        byName.Items.Should().ContainSingle().Which.Metadata.Name.Should().Be("m3");
        everywhere.Items.Where(m => m.Metadata.NamespaceProperty == ns).Select(m => m.Metadata.Name).Should().BeEquivalentTo(["m1", "m3"]);
    }

    [Fact]
    public async Task Delete_preconditions_refuse_a_different_uid_or_resourceVersion()
    {
        var ns = await cluster.NewNamespaceAsync();
        var maps = _client.ConfigMaps();
        var map = await maps.CreateAsync(Map(ns, "m"));

        await maps.Invoking(m => m.DeleteAsync(ns, "m", new DeleteOptions { PreconditionUid = "not-the-uid" })).Should().ThrowAsync<ConflictException>();
        await maps.Invoking(m => m.DeleteAsync(ns, "m", new DeleteOptions { PreconditionResourceVersion = "1" })).Should().ThrowAsync<ConflictException>();
        (await maps.TryGetAsync(ns, "m")).Should().NotBeNull();

        var deleted = await maps.DeleteAsync(ns, "m", new DeleteOptions
        {
            PreconditionUid = map.Metadata.Uid,
            PreconditionResourceVersion = map.Metadata.ResourceVersion,
            PropagationPolicy = PropagationPolicy.Background,
        });

        deleted.Should().BeNull();
        (await maps.TryGetAsync(ns, "m")).Should().BeNull();
    }

    [Fact]
    public async Task Delete_returns_the_object_while_a_finalizer_holds_it()
    {
        var ns = await cluster.NewNamespaceAsync();
        var widgets = cluster.WidgetClient;
        await widgets.CreateAsync(new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = ns, Finalizers = ["bastio.io/cleanup"] }, Spec = new WidgetSpec { Size = 1 } });

        var terminating = await widgets.DeleteAsync(ns, "w");
        var stillThere = await widgets.GetAsync(ns, "w");
        await widgets.PatchAsync(ns, "w", PatchType.Merge, """{"metadata":{"finalizers":null}}""");

        terminating!.Metadata.DeletionTimestamp.Should().NotBeNull();
        terminating.Metadata.Finalizers.Should().Equal("bastio.io/cleanup");
        stillThere.Metadata.DeletionTimestamp.Should().NotBeNull();
        (await widgets.TryGetAsync(ns, "w")).Should().BeNull();
    }

    [Fact]
    public async Task A_custom_resource_without_finalizers_is_gone_after_delete()
    {
        var ns = await cluster.NewNamespaceAsync();
        var widgets = cluster.WidgetClient;
        await widgets.CreateAsync(new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = ns }, Spec = new WidgetSpec { Size = 1 } });

        (await widgets.DeleteAsync(ns, "w")).Should().BeNull();
        (await widgets.TryGetAsync(ns, "w")).Should().BeNull();
    }

    [Fact]
    public async Task The_status_subresource_and_the_main_resource_write_only_their_own_part()
    {
        var ns = await cluster.NewNamespaceAsync();
        var widgets = cluster.WidgetClient;
        var created = await widgets.CreateAsync(new Widget
        {
            Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = ns },
            Spec = new WidgetSpec { Size = 1 },
            Status = new WidgetStatus { Phase = "ignored on create" },
        });

        created.Status = new WidgetStatus { Phase = "Ready" };
        created.Spec.Size = 99;
        var afterStatus = await widgets.ReplaceStatusAsync(created);
        var afterPatch = await widgets.PatchAsync(ns, "w", PatchType.Merge, """{"status":{"phase":"Degraded"}}""", status: true);
        afterPatch.Spec.Size = 2;
        afterPatch.Status!.Phase = "ignored by the main resource";
        var afterSpec = await widgets.ReplaceAsync(afterPatch);

        created.Metadata.Generation.Should().Be(1);
        afterStatus.Status!.Phase.Should().Be("Ready");
        afterStatus.Spec.Size.Should().Be(1);
        afterStatus.Metadata.Generation.Should().Be(1, "status writes do not bump the generation");
        afterPatch.Status!.Phase.Should().Be("ignored by the main resource");
        afterSpec.Status!.Phase.Should().Be("Degraded");
        afterSpec.Spec.Size.Should().Be(2);
        afterSpec.Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public async Task Schema_violations_are_Invalid_with_field_causes()
    {
        var ns = await cluster.NewNamespaceAsync();

        var error = await cluster.WidgetClient.Invoking(w => w.CreateAsync(new Widget
        {
            Metadata = new V1ObjectMeta { Name = "bad", NamespaceProperty = ns },
            Spec = new WidgetSpec { Color = "green" },
        })).Should().ThrowAsync<InvalidException>();

        error.Which.Causes.Select(c => c.Field).Should().Contain(["spec.size", "spec.color"]);
        error.Which.Causes.Should().Contain(c => c.Reason == "FieldValueRequired");
    }

    [Fact]
    public async Task Cluster_scoped_kinds_and_built_in_models_round_trip()
    {
        var ns = await cluster.NewNamespaceAsync();
        var renew = new DateTime(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234560);

        var lease = await _client.Leases().CreateAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "leader", NamespaceProperty = ns },
            Spec = new V1LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 15, RenewTime = renew, LeaseTransitions = 0 },
        });
        var secret = await _client.Secrets().CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = ns },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]>() { ["raw"] = [0, 1, 2, 255] },
        });
        var namespaces = await _client.Namespaces().ListAllAsync(null);

        lease.Spec.RenewTime.Should().Be(renew);
        lease.Spec.HolderIdentity.Should().Be("pod-a");
        secret.Data!["raw"].Should().Equal(0, 1, 2, 255);
        namespaces.Items.Select(n => n.Metadata.Name).Should().Contain([ns, "default"]);
    }

    [Fact]
    public async Task Events_are_written_and_read_with_their_fields()
    {
        var ns = await cluster.NewNamespaceAsync();
        var at = new DateTime(2025, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc);

        await _client.Events().CreateAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "w.1", NamespaceProperty = ns },
            Regarding = new V1ObjectReference { ApiVersion = "example.com/v1", Kind = "Widget", Name = "w", NamespaceProperty = ns, Uid = "u-1" },
            Reason = "Rotated",
            Action = "Rotated",
            Note = "rotated",
            Type = "Normal",
            EventTime = at,
            Series = new Eventsv1EventSeries { Count = 2, LastObservedTime = at.AddMinutes(1) },
            ReportingController = "bastio-operator",
            ReportingInstance = "replica-1",
        });
        var events = await _client.Events().ListAsync(ns, new ListOptions { FieldSelector = "metadata.name=w.1" });

        var read = events.Items.Should().ContainSingle().Which;
        read.Regarding.Uid.Should().Be("u-1");
        read.Series!.Count.Should().Be(2);
        read.Series.LastObservedTime.Should().Be(at.AddMinutes(1));
        read.EventTime.Should().Be(at);
        read.ReportingController.Should().Be("bastio-operator");
    }

    [Fact]
    public async Task A_wrong_token_is_Unauthorized()
    {
        var configuration = KubernetesConnection.FromKubeconfigYaml(cluster.Server.KubeconfigYaml);
        configuration.AccessToken = "wrong";
        using var stranger = KubernetesConnection.CreateClient(configuration);

        await stranger.Invoking(c => c.Namespaces().GetAsync(null, "default")).Should().ThrowAsync<UnauthorizedException>();
    }

    [Fact]
    public async Task A_kubeconfig_file_written_by_the_cluster_loads()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bastio-kubeconfig-{Guid.NewGuid():N}");
        try
        {
            await cluster.Server.WriteKubeconfigAsync(path);
            var configuration = KubernetesConnection.LoadConfiguration(path);
            using var client = KubernetesConnection.CreateClient(configuration);

            configuration.Namespace.Should().Be("default");
            (await client.Namespaces().GetAsync(null, "default")).Metadata.Name.Should().Be("default");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Dry_run_writes_answer_without_storing()
    {
        var ns = await cluster.NewNamespaceAsync();

        var answer = await _client.ConfigMaps().CreateAsync(Map(ns, "m"), new WriteOptions { DryRun = true, FieldManager = "test" });

        answer.Metadata.Name.Should().Be("m");
        (await _client.ConfigMaps().TryGetAsync(ns, "m")).Should().BeNull();
        Encoding.UTF8.GetByteCount(answer.Data!["k"]).Should().Be(1);
    }
}
