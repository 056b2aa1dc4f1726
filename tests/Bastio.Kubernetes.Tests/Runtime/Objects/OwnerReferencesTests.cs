using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Objects;

namespace Bastio.Kubernetes.Tests.Runtime.Objects;

public sealed class OwnerReferencesTests
{
    private static Widget Owner(string name, string ns = "team-a") => new()
    {
        ApiVersion = "example.com/v1",
        Kind = "Widget",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = $"uid-{name}" },
    };

    private static V1ConfigMap Owned(string ns = "team-a") => new() { Metadata = new V1ObjectMeta { Name = "cm", NamespaceProperty = ns } };

    [Fact]
    public void A_controller_reference_is_set_once_and_recognised()
    {
        var owner = Owner("w");
        var owned = Owned();

        OwnerReferences.SetControllerReference(owner, owned);
        OwnerReferences.SetControllerReference(owner, owned);

        var reference = owned.Metadata.OwnerReferences.Should().ContainSingle().Subject;
        reference.Should().BeEquivalentTo(new V1OwnerReference
        {
            ApiVersion = "example.com/v1", Kind = "Widget", Name = "w", Uid = "uid-w", Controller = true, BlockOwnerDeletion = true,
        });
        OwnerReferences.IsOwnedBy(owned, owner).Should().BeTrue();
        OwnerReferences.IsControlledBy(owned, owner).Should().BeTrue();
        OwnerReferences.IsOwnedBy(owned, Owner("other")).Should().BeFalse();
        OwnerReferences.ControllerKeys(owned, "example.com/v1", "Widget").Should().Equal(new ObjectKey("team-a", "w"));
        OwnerReferences.ControllerKeys(owned, "example.com/v1", "Gadget").Should().BeEmpty();
    }

    [Fact]
    public void A_second_controller_and_cross_namespace_owners_are_refused()
    {
        var owned = Owned();
        OwnerReferences.SetControllerReference(Owner("w"), owned);

        FluentActions.Invoking(() => OwnerReferences.SetControllerReference(Owner("other"), owned))
            .Should().Throw<InvalidOperationException>().WithMessage("*already controlled by Widget w*");
        FluentActions.Invoking(() => OwnerReferences.SetControllerReference(Owner("w", "team-b"), Owned("bastio-system")))
            .Should().Throw<InvalidOperationException>().WithMessage("*outside its namespace*");
        FluentActions.Invoking(() => OwnerReferences.SetOwnerReference(new Widget { Metadata = new V1ObjectMeta { Name = "x" } }, Owned()))
            .Should().Throw<ArgumentException>().WithMessage("*uid*");
    }

    [Fact]
    public void A_plain_owner_reference_is_not_a_controller()
    {
        var owner = Owner("w");
        var owned = Owned();

        OwnerReferences.SetOwnerReference(owner, owned);

        OwnerReferences.IsOwnedBy(owned, owner).Should().BeTrue();
        OwnerReferences.IsControlledBy(owned, owner).Should().BeFalse();
        OwnerReferences.GetController(owned).Should().BeNull();
    }
}
