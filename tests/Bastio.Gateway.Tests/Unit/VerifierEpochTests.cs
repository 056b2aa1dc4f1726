using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Crds;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.RateLimiting;
using k8s;
using k8s.Models;
using Bastio.Operator.Controllers.ApiKeys;
using Bastio.Operator.Controllers.Encryption;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bastio.Gateway.Tests.Unit;

/// <summary>
/// The verifier epoch a snapshot lets its replica acknowledge (docs/delivery.md): the highest one it
/// serves, held below a verifier whose ApiKey or Proxy this replica has not seen yet, never decreasing.
/// </summary>
public sealed class VerifierEpochTests
{
    private const string Ns = "team-a";
    private const string SystemNamespace = "bastio-system";

    private static readonly EncryptionKeyRing Ring = EncryptionKeyRing.CreateNew();
    private static readonly Proxy OpenAi = new()
    {
        Metadata = new V1ObjectMeta { Name = "openai", NamespaceProperty = Ns },
        Spec = new ProxySpec { Provider = "openai", Upstream = "https://api.openai.com/v1", Environment = "production" },
    };

    private readonly SnapshotBuilder _builder = new(new BucketStore(TimeProvider.System), NullLogger<SnapshotBuilder>.Instance);

    [Fact]
    public void The_highest_epoch_of_the_served_verifiers_is_acknowledged()
    {
        var (a, aVerifier) = Key("a", epoch: 10);
        var (b, bVerifier) = Key("b", epoch: 30);

        Epoch([a, b], [OpenAi], [aVerifier, bVerifier]).Should().Be(30);
    }

    [Fact]
    public void A_verifier_whose_ApiKey_or_Proxy_is_not_seen_yet_holds_the_acknowledgement_below_its_epoch()
    {
        var (a, aVerifier) = Key("a", epoch: 10);
        Epoch([a], [OpenAi], [aVerifier]).Should().Be(10);

        // The ApiKey watch lags the Secret watch: b's key would be refused here, so epoch 20 is not acknowledged.
        var (b, bVerifier) = Key("b", epoch: 20);
        var (c, cVerifier) = Key("c", epoch: 30);
        Epoch([a, c], [OpenAi], [aVerifier, bVerifier, cVerifier]).Should().Be(19);

        // Same for a Proxy not seen yet: b and c are served now, d is not.
        var (d, dVerifier) = Key("d", epoch: 40, proxy: "anthropic");
        Epoch([a, b, c, d], [OpenAi], [aVerifier, bVerifier, cVerifier, dVerifier]).Should().Be(30);

        var anthropic = new Proxy { Metadata = new V1ObjectMeta { Name = "anthropic", NamespaceProperty = Ns }, Spec = OpenAi.Spec };
        Epoch([a, b, c, d], [OpenAi, anthropic], [aVerifier, bVerifier, cVerifier, dVerifier]).Should().Be(40);
    }

    [Fact]
    public void A_verifier_left_behind_by_a_deleted_ApiKey_never_holds_the_acknowledgement()
    {
        var (a, aVerifier) = Key("a", epoch: 10);
        var (_, leftover) = Key("gone", epoch: 5);

        // Found by the first build, or older than what was acknowledged: neither is a key about to be delivered.
        Epoch([a], [OpenAi], [aVerifier, leftover]).Should().Be(10);
        var (b, bVerifier) = Key("b", epoch: 20);
        Epoch([a, b], [OpenAi], [aVerifier, leftover, bVerifier]).Should().Be(20);
    }

    [Fact]
    public void The_acknowledgement_never_decreases()
    {
        var (a, aVerifier) = Key("a", epoch: 10);
        var (b, bVerifier) = Key("b", epoch: 30);
        Epoch([a, b], [OpenAi], [aVerifier, bVerifier]).Should().Be(30);

        // b deleted: its epoch stays acknowledged (the operator's epochs only grow).
        Epoch([a], [OpenAi], [aVerifier]).Should().Be(30);

        // The key ring's Secret gone: the builder keeps serving from the last good ring, so c is served and acknowledged.
        var (c, cVerifier) = Key("c", epoch: 50);
        _builder.Build(new ConfigurationObjects([a, c], [OpenAi], [], [aVerifier, cVerifier])).VerifierEpoch.Should().Be(50);
    }

    [Fact]
    public void Nothing_is_acknowledged_by_a_replica_that_never_had_the_key_ring()
    {
        var (a, aVerifier) = Key("a", epoch: 10);
        _builder.Build(new ConfigurationObjects([a], [OpenAi], [], [aVerifier])).VerifierEpoch.Should().Be(0, "without the key ring no key is served");
    }

    private long Epoch(IReadOnlyList<ApiKey> apiKeys, IReadOnlyList<Proxy> proxies, IReadOnlyList<V1Secret> verifiers) =>
        _builder.Build(new ConfigurationObjects(apiKeys, proxies, [], [EncryptionKeyReconciler.NewKeySecret(Ring, SystemNamespace), .. verifiers])).VerifierEpoch;

    private static (ApiKey ApiKey, V1Secret Verifier) Key(string name, long epoch, string proxy = "openai")
    {
        var apiKey = new ApiKey
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Uid = Guid.NewGuid().ToString() },
            Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = proxy } },
        };
        var keyId = ClientKey.NewKeyId();
        var stored = new StoredKey(keyId, 1, ClientKeyVerifier.Compute(ClientKey.Generate(KeyEnvironment.Live, keyId)), null, [], null, Epoch: epoch);
        return (apiKey, VerifierSecretCodec.ToSecret(apiKey, stored, Ring, SystemNamespace));
    }
}
