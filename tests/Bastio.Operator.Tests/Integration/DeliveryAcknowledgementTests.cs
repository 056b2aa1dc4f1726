using System.Globalization;
using Bastio.Core;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.Lifecycle;
using Bastio.Operator.Tests.Infrastructure;

namespace Bastio.Operator.Tests.Integration;

/// <summary>
/// The operator's side of docs/delivery.md, with gateway replicas played by Leases the test writes: a
/// new key reaches its delivery Secret only once every fresh replica acknowledged its verifier epoch, a
/// dead replica stops counting when its Lease goes stale, and a stuck one costs one bounded timeout.
/// </summary>
public sealed class DeliveryAcknowledgementTests
{
    [Fact]
    public async Task The_key_is_delivered_only_after_every_replica_acknowledged_its_verifier()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.DeliveryAcknowledgementTimeout = TimeSpan.FromMinutes(5));
        using var replicaA = Renew(env, "gateway-a", epoch: 1);
        using var replicaB = Renew(env, "gateway-b", epoch: 1);
        await Eventually.UntilAsync(async () => (await env.Client.Leases().ListAsync(OperatorTestEnvironment.SystemNamespace)).Items.Count == 2, "both replicas have a Lease");
        await env.CreateProxyAsync();
        var apiKey = await env.CreateApiKeyAsync("app");

        // The verifier is published first, with an epoch above what the replicas acknowledged...
        var stored = await Eventually.UntilAsync(async () => await env.StoredKeyAsync(apiKey) is { Pending: not null } key ? key : null, "the pending verifier is published");
        stored.Epoch.Should().BeGreaterThan(1);

        // ...and the key waits while one replica has not acknowledged it.
        replicaA.Epoch = stored.Epoch;
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await env.DeliveredKeyAsync("app-key")).Should().BeNull("replica b has not acknowledged the verifier");

        replicaB.Epoch = stored.Epoch;
        var delivered = await Eventually.UntilAsync(() => env.DeliveredKeyAsync("app-key"), "the key is delivered");
        (await env.GatewayAcceptsAsync(apiKey, delivered)).Should().BeTrue();
        (await env.EventsAsync("app")).Should().NotContain(e => e.Reason == EventReasons.DeliveryNotAcknowledged);
    }

    [Fact]
    public async Task A_replica_that_stopped_renewing_holds_delivery_only_until_its_Lease_is_stale()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.DeliveryAcknowledgementTimeout = TimeSpan.FromMinutes(5));
        await WriteLeaseAsync(env, "gateway-gone", epoch: 1, durationSeconds: 2);
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");

        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is delivered although a dead replica never acknowledged");
        (await env.EventsAsync("app")).Should().NotContain(e => e.Reason == EventReasons.DeliveryNotAcknowledged, "a stale Lease is not waited for at all");
    }

    [Fact]
    public async Task A_replica_that_renews_but_never_acknowledges_costs_one_bounded_wait_and_is_named_in_an_Event()
    {
        await using var env = await OperatorTestEnvironment.StartAsync(o => o.DeliveryAcknowledgementTimeout = TimeSpan.FromSeconds(2));
        using var stuck = Renew(env, "gateway-stuck", epoch: 1);
        await Eventually.UntilAsync(async () => await env.Client.Leases().TryGetAsync(OperatorTestEnvironment.SystemNamespace, "bastio-gateway-ack-gateway-stuck") is not null, "the stuck replica has a Lease");
        await env.CreateProxyAsync();
        await env.CreateApiKeyAsync("app");

        await env.WaitForApiKeyAsync("app", a => a.Status?.Phase == "Active", "is delivered after the timeout");
        var events = (await env.EventsAsync("app")).Where(e => e.Reason == EventReasons.DeliveryNotAcknowledged).ToList();
        events.Should().ContainSingle().Which.Note.Should().Contain("bastio-gateway-ack-gateway-stuck");
        events[0].Type.Should().Be("Warning");

        // Not waited for again until it catches up: a rotation now brings no second timeout.
        await env.UpdateApiKeyAsync("app", a => (a.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.RotateRequestedAtAnnotation] = "2026-12-03T10:00:00Z");
        await env.WaitForApiKeyAsync("app", a => a.Status?.LastRotationRequest == "2026-12-03T10:00:00Z", "served the rotation");
        (await env.EventsAsync("app")).Count(e => e.Reason == EventReasons.DeliveryNotAcknowledged).Should().Be(1);
    }

    private static FakeReplica Renew(OperatorTestEnvironment env, string name, long epoch) => new(env, name, epoch);

    private static async Task WriteLeaseAsync(OperatorTestEnvironment env, string replica, long epoch, int durationSeconds)
    {
        var leases = env.Client.Leases();
        var name = WellKnown.GatewayAcknowledgement.NamePrefix + replica;
        var lease = await leases.TryGetAsync(OperatorTestEnvironment.SystemNamespace, name) ?? new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = OperatorTestEnvironment.SystemNamespace,
                Labels = new Dictionary<string, string>() { [WellKnown.Labels.Component] = WellKnown.Components.GatewayAcknowledgement },
            },
        };
        (lease.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.GatewayAcknowledgement.EpochAnnotation] = epoch.ToString(CultureInfo.InvariantCulture);
        lease.Spec ??= new V1LeaseSpec();
        lease.Spec.HolderIdentity = replica;
        lease.Spec.LeaseDurationSeconds = durationSeconds;
        lease.Spec.RenewTime = DateTime.UtcNow;
        if (lease.Metadata.ResourceVersion is null)
        {
            await leases.CreateAsync(lease);
        }
        else
        {
            await leases.ReplaceAsync(lease);
        }
    }

    /// <summary>A gateway replica as the operator sees it: a Lease renewed every 300 ms with the epoch it acknowledges (10 s duration).</summary>
    private sealed class FakeReplica : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;
        private long _epoch;

        public FakeReplica(OperatorTestEnvironment env, string name, long epoch)
        {
            Epoch = epoch;
            _renewing = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        // Renewed far more often than it would go stale, even on a loaded machine.
                        await WriteLeaseAsync(env, name, Epoch, durationSeconds: 10);
                        await Task.Delay(TimeSpan.FromMilliseconds(300), _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    catch (ConflictException)
                    {
                        // Read again on the next round.
                    }
                }
            });
        }

        public long Epoch
        {
            get => Interlocked.Read(ref _epoch);
            set => Interlocked.Exchange(ref _epoch, value);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _renewing.Wait(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}
