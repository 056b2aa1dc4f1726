using System.Security.Cryptography;
using System.Text;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;

namespace Bastio.Core.Tests.Keys;

public sealed class ClientKeyVerifierTests
{
    [Fact]
    public void The_reused_per_thread_hash_starts_afresh_for_every_key_on_every_thread()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ClientKey.Generate(KeyEnvironment.Live, ClientKey.NewKeyId())).ToArray();
        var expected = keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

        var sequential = keys.Select(ClientKeyVerifier.Compute).ToArray();
        var concurrent = new byte[keys.Length][];
        Parallel.For(0, keys.Length * 10, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i % keys.Length] = ClientKeyVerifier.Compute(keys[i % keys.Length]));

        for (var i = 0; i < keys.Length; i++)
        {
            sequential[i].Should().Equal(expected[i]);
            concurrent[i].Should().Equal(expected[i]);
        }
    }

    [Fact]
    public void Verifier_is_sha256_of_the_utf8_key()
    {
        var key = ClientKey.Generate(KeyEnvironment.Live, ClientKey.NewKeyId());

        ClientKeyVerifier.Compute(key).Should().Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    [Fact]
    public void Matches_only_the_same_key()
    {
        var keyId = ClientKey.NewKeyId();
        var key = ClientKey.Generate(KeyEnvironment.Live, keyId);
        var rotated = ClientKey.Generate(KeyEnvironment.Live, keyId);
        var verifier = ClientKeyVerifier.Compute(key);

        ClientKeyVerifier.Matches(key, verifier).Should().BeTrue();
        ClientKeyVerifier.Matches(rotated, verifier).Should().BeFalse();
        ClientKeyVerifier.Matches(key, verifier.AsSpan(0, 16)).Should().BeFalse();
        ClientKeyVerifier.Matches(new string('a', 500), verifier).Should().BeFalse();
    }

    [Fact]
    public void Provider_key_fingerprint_is_an_hmac_under_a_key_derived_from_the_installations_encryption_key()
    {
        var ring = EncryptionKeyRing.CreateNew();
        var kek = ring.ToSecretData()[ring.ActiveVersion];
        var fingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, kek, 32, [], "bastio.io/provider-key-fingerprint/v1"u8.ToArray());
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(fingerprintKey, "sk-test-123"u8))[..8];

        var fingerprint = ProviderKeyFingerprint.Compute(ring, "sk-test-123");

        fingerprint.Should().Be(expected).And.HaveLength(8);
        fingerprint.Should().NotBe(Convert.ToHexStringLower(SHA256.HashData("sk-test-123"u8))[..8], "a plain hash confirms a guessed key offline");
        ProviderKeyFingerprint.Compute(ring, "sk-test-123").Should().Be(fingerprint, "it identifies the key");
        ProviderKeyFingerprint.Compute(ring, "sk-test-124").Should().NotBe(fingerprint);
        ProviderKeyFingerprint.Compute(EncryptionKeyRing.CreateNew(), "sk-test-123").Should().NotBe(fingerprint, "another installation's fingerprints are unrelated");
        fingerprintKey.Should().NotEqual(kek, "the derived key must not be the KEK itself");
    }
}
