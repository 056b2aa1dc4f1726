using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Kubernetes.Tests.Runtime.Informers;

public sealed class StringPoolTests
{
    // Distinct instances with equal contents, as two decoded objects would carry.
    private static string Copy(string value) => new(value.AsSpan());

    [Fact]
    public void Equal_strings_come_back_as_one_instance()
    {
        var pool = new StringPool();
        var first = pool.Intern(Copy("app.kubernetes.io/managed-by"));

        var second = pool.Intern(Copy("app.kubernetes.io/managed-by"));

        second.Should().BeSameAs(first);
        pool.Intern(null).Should().BeNull();
    }

    [Fact]
    public void Long_strings_are_not_pooled()
    {
        var pool = new StringPool(maxLength: 8);
        var text = Copy("a-value-longer-than-eight");

        pool.Intern(text).Should().BeSameAs(text);
        pool.Count.Should().Be(0);
    }

    [Fact]
    public void A_full_pool_starts_afresh_and_never_exceeds_its_capacity()
    {
        var pool = new StringPool(capacity: 3);
        var values = Enumerable.Range(0, 10).Select(i => pool.Intern($"uid-{i}")).ToList();

        pool.Count.Should().BeLessThanOrEqualTo(3);
        values.Should().Equal(Enumerable.Range(0, 10).Select(i => $"uid-{i}"), "pooling never changes a value");
        pool.Intern(Copy("uid-9")).Should().BeSameAs(values[9], "the most recent strings are pooled again after a reset");
    }

    [Fact]
    public void Maps_are_copied_with_pooled_keys_and_the_same_contents()
    {
        var pool = new StringPool();
        var labels = new Dictionary<string, string> { [Copy("tier")] = Copy("web"), [Copy("team")] = Copy("a") };
        var data = new Dictionary<string, byte[]> { [Copy("token")] = [1, 2, 3] };

        var pooledLabels = pool.InternAll(labels);
        var pooledData = pool.InternKeys(data);

        pooledLabels.Should().Equal(labels);
        pooledLabels.Keys.Should().Contain(k => ReferenceEquals(k, pool.Intern(Copy("tier"))));
        pooledData!["token"].Should().BeSameAs(data["token"], "data bytes are kept as they are");
    }

    [Fact]
    public void Interning_an_object_pools_its_metadata_but_not_its_own_identity()
    {
        var pool = new StringPool();
        V1Secret Make() => new()
        {
            ApiVersion = Copy("v1"),
            Kind = Copy("Secret"),
            Type = Copy("Opaque"),
            Metadata = new V1ObjectMeta
            {
                Name = Copy("same-name"),
                NamespaceProperty = Copy("tenant"),
                Uid = Copy("00000000-0000-0000-0000-000000000001"),
                Labels = new Dictionary<string, string>() { [Copy("app")] = Copy("x") },
                Finalizers = [Copy("example.com/hold")],
                OwnerReferences = [new V1OwnerReference { ApiVersion = Copy("example.com/v1"), Kind = Copy("Owner"), Name = Copy("o"), Uid = Copy("u") }],
            },
            Data = new Dictionary<string, byte[]>() { [Copy("key")] = [1] },
        };
        var a = Make();
        var b = Make();

        ObjectInterning.Intern(a, pool);
        ObjectInterning.Intern(b, pool);

        b.Kind.Should().BeSameAs(a.Kind);
        b.Type.Should().BeSameAs(a.Type);
        b.Metadata.NamespaceProperty.Should().BeSameAs(a.Metadata.NamespaceProperty);
        b.Metadata.Labels!.Single().Key.Should().BeSameAs(a.Metadata.Labels!.Single().Key);
        b.Metadata.Labels!["app"].Should().BeSameAs(a.Metadata.Labels!["app"]);
        b.Metadata.Finalizers![0].Should().BeSameAs(a.Metadata.Finalizers![0]);
        b.Metadata.OwnerReferences![0].Uid.Should().BeSameAs(a.Metadata.OwnerReferences![0].Uid);
        b.Data!.Single().Key.Should().BeSameAs(a.Data!.Single().Key);
        b.Metadata.Name.Should().NotBeSameAs(a.Metadata.Name, "an object's own name is usually unique and left alone");

        ObjectInterning.InternIdentity(a, pool);
        ObjectInterning.InternIdentity(b, pool);
        b.Metadata.Uid.Should().BeSameAs(a.Metadata.Uid);
    }
}
