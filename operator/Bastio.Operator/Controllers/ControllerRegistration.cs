using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Controllers;

namespace Bastio.Operator.Controllers;

/// <summary>One controller as its folder wires it: watches already declared, plus its periodic resync (null: none).</summary>
internal sealed record ControllerRegistration(Controller Controller, ControllerResync? Resync = null);

/// <summary>
/// Every <paramref name="Period"/> the controller's <paramref name="Keys"/> are enqueued again, as with
/// client-go's resync: requeue-driven deadlines (expiry, grace periods) survive missed events this way.
/// </summary>
internal sealed record ControllerResync(TimeSpan Period, Func<IEnumerable<ObjectKey>> Keys);
