using Bastio.Kubernetes.Runtime.Controllers;
using Bastio.Kubernetes.Runtime.Events;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.ProviderKeys;
using Bastio.Operator.Delivery;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.Metrics;
using Microsoft.Extensions.Logging;

namespace Bastio.Operator.Controllers;

/// <summary>
/// What every controller is built from: the process's shared clients, caches and services, as
/// cert-manager's controller context. Each controller folder's <c>Register</c> takes it and returns
/// its <see cref="ControllerRegistration"/>; the host builds one context and assembles the results.
/// </summary>
/// <param name="NewController">
/// Creates a controller with the process's worker count, metrics and reconcile counting; the caller adds its watches.
/// </param>
internal sealed record ControllerContext(
    ResourceClients Clients,
    OperatorCaches Caches,
    IEncryptionKeys EncryptionKeys,
    KeyDeliveryGate DeliveryGate,
    IProviderValidator ProviderValidator,
    ILifecycleRecorder Recorder,
    IEventRecorder Events,
    OperatorMetrics Metrics,
    OperatorOptions Options,
    TimeProvider TimeProvider,
    ILoggerFactory LoggerFactory,
    Func<string, IReconciler, Controller> NewController);
