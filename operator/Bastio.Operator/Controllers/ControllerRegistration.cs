using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Informers;

namespace Bastio.Operator.Controllers;

/// <summary>One controller as its folder wires it: watches already declared, plus its periodic resync (null: none).</summary>
internal sealed record ControllerRegistration(Controller Controller, ControllerResync? Resync = null);

/// <summary>
/// Every <paramref name="Period"/> the controller's <paramref name="Keys"/> are enqueued again, as with
/// client-go's resync: requeue-driven deadlines (expiry, grace periods) survive missed events this way.
/// </summary>
internal sealed record ControllerResync(TimeSpan Period, Func<IEnumerable<ObjectKey>> Keys)
{
    /// <summary>Every object <paramref name="informer"/> holds, every <paramref name="period"/>.</summary>
    public static ControllerResync AllOf<T>(IInformer<T> informer, TimeSpan period)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(period, () => informer.Store.List().Select(ObjectKey.From));
}
