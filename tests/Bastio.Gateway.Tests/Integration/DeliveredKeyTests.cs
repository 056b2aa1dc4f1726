using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Bastio.Core;
using Bastio.Core.Keys;
using Bastio.Crds;
using Bastio.Gateway.Hosting;
using Bastio.Gateway.Tests.Infrastructure;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.ManagedObjects;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>
/// The real operator and several gateway replicas against one cluster: a key read from the delivery
/// Secret is never refused (docs/delivery.md), and rotations within one grace period keep every
/// previous key until its own grace end.
/// </summary>
public sealed class DeliveredKeyTests : IAsyncLifetime
{
    private const string SecretName = "app-key";

    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.StartOperatorAsync();
        await _env.CreateProxyAsync("openai", withProviderKey: false);
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task A_key_read_from_the_delivery_Secret_is_never_refused_by_any_replica_through_many_rotations()
    {
        GatewayHost[] gateways = [_env.Gateway, await _env.StartReplicaAsync("gateway-1"), await _env.StartReplicaAsync("gateway-2")];
        await CreateApiKeyAsync(grace: "30s");
        await Eventually.UntilAsync(async () => await DeliveredKeyAsync() is not null, "the first key is delivered");

        using var http = new HttpClient();
        using var stop = new CancellationTokenSource();
        var refusals = new ConcurrentQueue<string>();
        var keysSeen = new HashSet<string>(StringComparer.Ordinal);
        long calls = 0;
        var client = Task.Run(async () =>
        {
            // What an application does: read the mounted key, call the gateway with it. Every replica is called.
            while (!stop.IsCancellationRequested)
            {
                var key = await DeliveredKeyAsync();
                keysSeen.Add(key!);
                foreach (var gateway in gateways)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Url, "v1/usage"));
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                    using var response = await http.SendAsync(request);
                    Interlocked.Increment(ref calls);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        refusals.Enqueue($"{gateway.Url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
        });

        const int rotations = 20;
        for (var rotation = 1; rotation <= rotations; rotation++)
        {
            await RotateAsync(rotation);
        }

        await stop.CancelAsync();
        await client;

        refusals.Should().BeEmpty("a key read from the delivery Secret is never refused");
        keysSeen.Should().HaveCountGreaterThan(rotations / 2, "the client read keys throughout the rotations");
        Interlocked.Read(ref calls).Should().BeGreaterThan(rotations * gateways.Length);
        var apiKey = await _env.ApiKeys.GetAsync(GatewayTestEnvironment.Namespace, "app");
        apiKey.Status!.Version.Should().Be(rotations + 1);
    }

    [Fact]
    public async Task Three_rotations_within_one_grace_period_keep_each_previous_key_until_its_own_grace_end()
    {
        // Rotations 3 s apart, so each previous key's grace (whole seconds) ends at its own time.
        var grace = TimeSpan.FromSeconds(20);
        await CreateApiKeyAsync(grace: "20s");
        var keys = new List<string> { (await Eventually.UntilAsync(DeliveredKeyAsync, "the first key is delivered"))! };
        for (var rotation = 1; rotation <= 3; rotation++)
        {
            if (rotation > 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            await RotateAsync(rotation);
            keys.Add((await DeliveredKeyAsync())!);
        }

        var graceEnds = await PreviousGraceEndsAsync();
        graceEnds.Should().HaveCount(3, "each of the three replaced keys is kept");
        graceEnds.Should().BeInDescendingOrder().And.OnlyHaveUniqueItems();
        graceEnds.Max().Should().BeOnOrBefore(DateTimeOffset.UtcNow + grace);

        // keys[0..2] are the previous keys, oldest first; their grace ends are newest first.
        var previous = keys.Take(3).Zip(graceEnds.Reverse()).ToList();
        var refusedAt = new DateTimeOffset?[3];
        var deadline = DateTimeOffset.UtcNow + grace + TimeSpan.FromSeconds(30);
        while (refusedAt.Any(at => at is null))
        {
            DateTimeOffset.UtcNow.Should().BeBefore(deadline, "every previous key is refused once its grace ends");
            for (var index = 0; index < previous.Count; index++)
            {
                var (key, graceEnd) = previous[index];
                var sentAt = DateTimeOffset.UtcNow;
                var accepted = await AcceptedAsync(key);
                var answeredAt = DateTimeOffset.UtcNow;
                if (accepted)
                {
                    sentAt.Should().BeBefore(graceEnd, $"previous key {index} is refused from its grace end on");
                    refusedAt[index].Should().BeNull($"previous key {index} is not accepted again once refused");
                }
                else
                {
                    answeredAt.Should().BeOnOrAfter(graceEnd, $"previous key {index} is accepted until its own grace end");
                    refusedAt[index] ??= answeredAt;
                }
            }

            (await AcceptedAsync(keys[3])).Should().BeTrue("the current key is accepted throughout");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        refusedAt.Should().BeInAscendingOrder("each grace ends on its own, the oldest first");
    }

    [Fact]
    public async Task Each_replica_acknowledges_the_verifier_epoch_it_serves_and_removes_its_Lease_when_it_stops()
    {
        var replica = await _env.StartReplicaAsync("gateway-1");
        await CreateApiKeyAsync(grace: "1h");
        await Eventually.UntilAsync(async () => await DeliveredKeyAsync() is not null, "the key is delivered");
        var verifier = await _env.Secrets.GetAsync(GatewayTestEnvironment.SystemNamespace, ManagedObjectNames.VerifierSecret(GatewayTestEnvironment.Namespace, "app"));
        var epoch = KeyVerifiers.ReadEpoch(verifier.Data?.AsReadOnly());

        foreach (var name in new[] { "gateway-0", "gateway-1" })
        {
            var lease = await _env.Client.Leases().GetAsync(GatewayTestEnvironment.SystemNamespace, WellKnown.GatewayAcknowledgement.NamePrefix + name);
            lease.Spec.HolderIdentity.Should().Be(name);
            lease.Metadata.Labels.Should().Contain(WellKnown.Labels.Component, WellKnown.Components.GatewayAcknowledgement);
            long.Parse(lease.Metadata.Annotations![WellKnown.GatewayAcknowledgement.EpochAnnotation], CultureInfo.InvariantCulture)
                .Should().BeGreaterThanOrEqualTo(epoch, $"{name} served the key before it was delivered");
        }

        await _env.StopReplicaAsync(replica);
        (await _env.Client.Leases().TryGetAsync(GatewayTestEnvironment.SystemNamespace, WellKnown.GatewayAcknowledgement.NamePrefix + "gateway-1"))
            .Should().BeNull("a replica that stops does not leave deliveries waiting for it");
    }

    private Task<ApiKey> CreateApiKeyAsync(string grace) =>
        _env.ApiKeys.CreateAsync(new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = GatewayTestEnvironment.Namespace },
            Spec = new ApiKeySpec
            {
                ProxyRef = new LocalObjectReference { Name = "openai" },
                SecretName = SecretName,
                Permissions = ["analytics"],
                Rotation = new() { Schedule = "0 3 * * 1", GracePeriod = grace },
            },
        });

    /// <summary>Requests a rotation the way <c>kubectl bastio keys rotate</c> does and waits until it is served.</summary>
    private async Task RotateAsync(int rotation)
    {
        var request = $"2026-12-03T10:00:{rotation:00}Z";
        await Eventually.UntilAsync(async () =>
        {
            var apiKey = await _env.ApiKeys.GetAsync(GatewayTestEnvironment.Namespace, "app");
            (apiKey.Metadata.Annotations ??= new Dictionary<string, string>())[WellKnown.RotateRequestedAtAnnotation] = request;
            await _env.ApiKeys.ReplaceAsync(apiKey);
            return true;
        }, $"rotation {rotation} is requested");
        await Eventually.UntilAsync(
            async () => (await _env.ApiKeys.GetAsync(GatewayTestEnvironment.Namespace, "app")).Status?.LastRotationRequest == request,
            $"rotation {rotation} is served");
    }

    private async Task<string?> DeliveredKeyAsync()
    {
        var secret = await _env.Secrets.TryGetAsync(GatewayTestEnvironment.Namespace, SecretName);
        return secret?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey) is { } key ? Encoding.UTF8.GetString(key) : null;
    }

    private async Task<bool> AcceptedAsync(string key)
    {
        using var response = await _env.SendAsync(HttpMethod.Get, "/v1/usage", key);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The grace ends the verifier Secret holds, newest previous key first.</summary>
    private async Task<IReadOnlyList<DateTimeOffset>> PreviousGraceEndsAsync()
    {
        var apiKey = await _env.ApiKeys.GetAsync(GatewayTestEnvironment.Namespace, "app");
        var secret = await _env.Secrets.GetAsync(GatewayTestEnvironment.SystemNamespace, ManagedObjectNames.VerifierSecret(GatewayTestEnvironment.Namespace, "app"));
        var verifiers = KeyVerifiers.Decode(secret.Data?.AsReadOnly(), _env.Ring, KeyVerifiers.Binding(GatewayTestEnvironment.Namespace, "app", apiKey.Metadata.Uid!))!;
        return [.. verifiers.Previous.Select(previous => previous.ExpiresAt!.Value)];
    }
}
