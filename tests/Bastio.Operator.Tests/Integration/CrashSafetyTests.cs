using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime;
using Bastio.Kubernetes.Runtime.Informers;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Cluster;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.Encryption;
using Bastio.Operator.Controllers.RotationSchedules;
using Bastio.Operator.Delivery;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.Metrics;
using Bastio.Operator.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// Kills reconciliation before each write of key issuance and of rotation (posting an Event counts
/// as a write, as it is one on a real cluster), then shows that the next reconcile finishes the job:
/// the delivery Secret never holds a key the gateway refuses, no key that was delivered is lost, and
/// the new version is reported (Event, metric, condition) even when the reconcile that made it died.
/// </summary>
public sealed class CrashSafetyTests
{
    private const string Ns = OperatorTestEnvironment.Namespace;

    // Issuance: finalizer, pending verifier, delivery Secret, promotion, Created Event, status. Rotation: the last five.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Issuance_killed_before_write_n_is_completed_by_the_next_reconcile(int writesBeforeCrash)
    {
        await using var rig = await Rig.StartAsync();
        var name = "issue-" + writesBeforeCrash;
        await rig.Env.CreateApiKeyAsync(name);

        await rig.ReconcileWithCrashAsync(name, writesBeforeCrash);
        await rig.AssertDeliveredKeyIsAcceptedAsync(name);

        await rig.ConvergeAsync(name);
        var apiKey = await rig.Env.Api.ApiKeys.GetAsync(Ns, name);
        apiKey.Status!.Phase.Should().Be("Active");
        var delivered = await rig.Env.DeliveredKeyAsync(name + "-key");
        (await rig.Env.GatewayAcceptsAsync(apiKey, delivered!)).Should().BeTrue();
        (await rig.Env.StoredKeyAsync(apiKey))!.Pending.Should().BeNull();
        rig.Events.Count(r => r == EventReasons.Created).Should().Be(
            writesBeforeCrash == 5 ? 2 : 1,
            "the issuance is reported even when the reconcile that promoted the key died; only a lost status write repeats the report");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Rotation_killed_before_write_n_is_completed_by_the_next_reconcile(int writesBeforeCrash)
    {
        await using var rig = await Rig.StartAsync();
        var name = "rotate-" + writesBeforeCrash;
        await rig.Env.CreateApiKeyAsync(name);
        await rig.ConvergeAsync(name);
        var original = await rig.Env.DeliveredKeyAsync(name + "-key");
        rig.Events.Clear();

        await rig.Env.UpdateApiKeyAsync(name, a => (a.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.RotateRequestedAtAnnotation] = "2026-11-22T07:00:00Z");
        await rig.ReconcileWithCrashAsync(name, writesBeforeCrash);

        var atCrash = await rig.AssertDeliveredKeyIsAcceptedAsync(name);
        var apiKey = await rig.Env.Api.ApiKeys.GetAsync(Ns, name);
        (await rig.Env.GatewayAcceptsAsync(apiKey, original!)).Should().BeTrue("the key in use keeps working while a rotation is under way");

        await rig.ConvergeAsync(name);
        apiKey = await rig.Env.Api.ApiKeys.GetAsync(Ns, name);
        var final = await rig.Env.DeliveredKeyAsync(name + "-key");
        apiKey.Status!.LastRotationRequest.Should().Be("2026-11-22T07:00:00Z");
        apiKey.Status.Version.Should().Be(2, "the request is served exactly once");
        final.Should().NotBe(original);
        (await rig.Env.GatewayAcceptsAsync(apiKey, final!)).Should().BeTrue();
        (await rig.Env.GatewayAcceptsAsync(apiKey, original!)).Should().BeTrue("the previous key is in its grace period");
        if (atCrash != original)
        {
            final.Should().Be(atCrash, "a key that reached the delivery Secret is never thrown away");
        }

        // Killed after the promotion (3) the reconcile never reported it; killed before the status write (4) it did, and the report repeats.
        var reports = writesBeforeCrash == 4 ? 2 : 1;
        rig.Events.Count(r => r == EventReasons.Rotated).Should().Be(reports, "the rotation is reported even when the reconcile that promoted the key died");
        rig.SuccessfulRotations.Should().Be(reports);
        var rotated = Conditions.Find(apiKey.Status.Conditions, ApiKeyConditions.Rotated);
        rotated.Should().NotBeNull();
        rotated!.Status.Should().Be(Conditions.True);
        rotated.Reason.Should().Be(EventReasons.Rotated);
    }

    /// <summary>An ApiKey reconciler on a client that can be made to die, fed by its own caches.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IKubernetes _client;
        private readonly List<Task> _informers = [];
        private readonly MeterListener _rotations = new();
        private OperatorCaches _caches = null!;
        private OperatorMetrics _metrics = null!;
        private ApiKeyReconciler _reconciler = null!;
        private long _successfulRotations;

        private Rig(OperatorTestEnvironment env)
        {
            Env = env;
            Crashing = new CrashBeforeWriteHandler();
            _client = new k8s.Kubernetes(KubernetesConnection.FromKubeconfigYaml(env.Cluster.KubeconfigYaml), Crashing);
        }

        public OperatorTestEnvironment Env { get; }

        public CrashBeforeWriteHandler Crashing { get; }

        /// <summary>Reasons of the lifecycle Events the reconciler posted, in order.</summary>
        public ConcurrentQueue<string> Events { get; } = new();

        public long SuccessfulRotations => Interlocked.Read(ref _successfulRotations);

        public static async Task<Rig> StartAsync()
        {
            var env = await OperatorTestEnvironment.StartAsync(startOperator: false);
            var rig = new Rig(env);
            await env.Api.Secrets.CreateAsync(new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new V1ObjectMeta { Name = WellKnown.EncryptionKeySecret.Name, NamespaceProperty = OperatorTestEnvironment.SystemNamespace },
                Data = EncryptionKeyRing.CreateNew().ToSecretData(),
            });
            await env.CreateProxyAsync();

            var options = env.NewOptions();
            var clients = new ResourceClients(rig._client);
            rig._caches = new OperatorCaches(clients, options, NullLoggerFactory.Instance, TimeProvider.System);
            var acknowledgements = new GatewayAcknowledgements(rig._client.Leases(), options.SystemNamespace, TimeProvider.System, NullLoggerFactory.Instance);
            IInformer[] informers = [.. rig._caches.All, acknowledgements.Informer];
            foreach (var informer in informers)
            {
                rig._informers.Add(informer.RunAsync(rig._stop.Token));
            }

            foreach (var informer in informers)
            {
                await informer.WaitForSyncAsync();
            }

            rig._metrics = new OperatorMetrics();
            rig.ListenToRotations();
            rig._reconciler = new ApiKeyReconciler(
                clients,
                rig._caches,
                new CachedEncryptionKeys(rig._caches.EncryptionKey, options),
                new RotationCronJobs(clients, rig._caches, options),
                new KeyDeliveryGate(acknowledgements, rig._caches.SystemSecrets, options, TimeProvider.System, NullLogger<KeyDeliveryGate>.Instance),
                new CrashingEvents(rig),
                rig._metrics,
                options,
                TimeProvider.System,
                NullLogger<ApiKeyReconciler>.Instance);
            return rig;
        }

        public async Task ReconcileWithCrashAsync(string name, int writesBeforeCrash)
        {
            await WaitForCacheAsync(name);
            Crashing.WriteBudget = writesBeforeCrash;
            try
            {
                await _reconciler.ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None);
            }
            catch (SimulatedCrashException)
            {
            }
            finally
            {
                Crashing.WriteBudget = int.MaxValue;
            }
        }

        /// <summary>Reconciles on fresh caches until a reconcile writes nothing.</summary>
        public async Task ConvergeAsync(string name)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                await WaitForCacheAsync(name);
                var before = Env.Cluster.WriteCount;
                try
                {
                    await _reconciler.ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None);
                }
                catch (ConflictException)
                {
                    continue;
                }

                if (Env.Cluster.WriteCount == before)
                {
                    return;
                }
            }

            throw new InvalidOperationException($"ApiKey {name} did not converge.");
        }

        /// <summary>Whatever the delivery Secret holds at this moment must pass the gateway's check.</summary>
        public async Task<string?> AssertDeliveredKeyIsAcceptedAsync(string name)
        {
            var delivered = await Env.DeliveredKeyAsync(name + "-key");
            if (delivered is not null)
            {
                var apiKey = await Env.Api.ApiKeys.GetAsync(Ns, name);
                (await Env.GatewayAcceptsAsync(apiKey, delivered)).Should().BeTrue("the delivery Secret never holds a key the gateway refuses");
            }

            return delivered;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await Task.WhenAll(_informers);
            }
            catch (OperationCanceledException)
            {
            }

            _rotations.Dispose();
            _metrics.Dispose();
            _client.Dispose();
            await Env.DisposeAsync();
            _stop.Dispose();
        }

        private void ListenToRotations()
        {
            _rotations.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == _metrics.Meter && instrument.Name == "bastio_operator_rotations_total")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _rotations.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "result", Value: "success" })
                    {
                        Interlocked.Add(ref _successfulRotations, value);
                    }
                }
            });
            _rotations.Start();
        }

        // The caches must show the server's current state before a reconcile, as after a real restart.
        private async Task WaitForCacheAsync(string name)
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    var apiKey = await Env.Api.ApiKeys.GetAsync(Ns, name);
                    var delivery = await Env.Api.Secrets.TryGetAsync(Ns, name + "-key");
                    return _caches.ApiKeys.Store.Get(Ns, name)?.Metadata.ResourceVersion == apiKey.Metadata.ResourceVersion
                        && _caches.TenantSecrets.Store.Get(Ns, name + "-key")?.Metadata.ResourceVersion == delivery?.Metadata.ResourceVersion;
                },
                "the caches caught up");
        }
    }

    /// <summary>Posting an Event is an API write: it dies with the rest when the budget is spent.</summary>
    private sealed class CrashingEvents(Rig rig) : ILifecycleRecorder
    {
        public Task RecordAsync(IKubernetesObject<V1ObjectMeta> subject, string reason, string message, string? keyId, string actor, bool warning = false, CancellationToken cancellationToken = default)
        {
            rig.Crashing.SpendWrite();
            rig.Events.Enqueue(reason);
            return Task.CompletedTask;
        }
    }
}
